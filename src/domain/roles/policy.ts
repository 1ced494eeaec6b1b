// The AccessPolicy the rules engine provides: which groups and target accounts a person gets, and
// which rule granted each one. Only what a rule grants is given (least privilege by construction).
import type { RoleConfig } from './types';
import type { Entitlement, Identity } from '../types';
import type { AccessContext, AccessPolicy } from '../access';
import { compileRoles, type CompiledRole } from './compile';

/** Provenance of the built-in grant for targets no role names. */
export const ALL_ACTIVE_RULE = 'builtin:all-active';

interface Grant {
  role: CompiledRole;
  /** matched role first, then each include hop: rendered as role:a<-b<-c */
  path: string[];
}

/** `base` (e.g. the core department-group policy) is kept alongside the role grants when given. */
export function createRolePolicy(roles: RoleConfig[], targets: { name: string }[], base?: AccessPolicy): AccessPolicy {
  const compiled = compileRoles(roles, targets.map((t) => t.name));
  const openTargets = openTargetsOf(compiled, targets);
  return {
    entitlements(identity: Identity, context?: AccessContext): Entitlement[] {
      // Anyone not active holds nothing: suspension and termination revoke every grant at once.
      if (identity.state !== 'active') return [];
      const grants = grantsFor(identity, compiled, context);
      const groups = groupEntitlements(grants);
      const extra = (base?.entitlements(identity, context) ?? []).filter((e) => !(e.kind === 'group' && groups.some((g) => g.name === e.name)));
      return [...extra, ...groups, ...accountEntitlements(grants), ...openTargets.map(openAccount)];
    },
  };
}

/** Targets no role names: every active person gets a plain account there (ALL_ACTIVE_RULE). */
export function openTargetsOf(compiled: Map<string, CompiledRole>, targets: { name: string }[]): string[] {
  const assigned = new Set([...compiled.values()].flatMap((r) => Object.keys(r.targets)));
  return targets.map((t) => t.name).filter((t) => !assigned.has(t));
}

function grantsFor(identity: Identity, compiled: Map<string, CompiledRole>, context?: AccessContext): Grant[] {
  // Breadth-first, so the shortest path to a role wins and a direct match beats an include.
  const grants: Grant[] = [];
  const seen = new Set<string>();
  let frontier: Grant[] = [...compiled.values()]
    .filter((r) => r.condition?.(identity, context) === true)
    .map((role) => ({ role, path: [role.name] }));
  while (frontier.length) {
    const next: Grant[] = [];
    for (const g of frontier) {
      if (seen.has(g.role.name)) continue;
      seen.add(g.role.name);
      grants.push(g);
      for (const inc of g.role.include) {
        const role = compiled.get(inc);
        if (role && !seen.has(inc)) next.push({ role, path: [...g.path, inc] });
      }
    }
    frontier = next;
  }
  return grants;
}

const ROLE_RULE_PREFIX = 'role:';
const ruleOf = (g: Grant): string => `${ROLE_RULE_PREFIX}${g.path.join('<-')}`;

/** Names of the roles a person holds, directly or through `include`, as the policy grants them. */
export function rolesHeld(compiled: Map<string, CompiledRole>, identity: Identity, context?: AccessContext): string[] {
  if (identity.state !== 'active') return [];
  return grantsFor(identity, compiled, context).map((g) => g.role.name);
}

/** The roles an entitlement's rule names: `role:a<-b` was granted through a (matched) and b (included). */
export function rolesOfRule(rule: string): string[] {
  return rule.startsWith(ROLE_RULE_PREFIX) ? rule.slice(ROLE_RULE_PREFIX.length).split('<-') : [];
}

function groupEntitlements(grants: Grant[]): Entitlement[] {
  const byGroup = new Map<string, Entitlement>();
  for (const g of grants) {
    for (const name of g.role.groups) {
      if (!byGroup.has(name)) byGroup.set(name, { kind: 'group', name, rule: ruleOf(g) });
    }
  }
  return [...byGroup.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** One account entitlement per (target, granting rule), so each target group keeps its provenance. */
function accountEntitlements(grants: Grant[]): Entitlement[] {
  const out: Entitlement[] = [];
  for (const g of grants) {
    for (const [target, spec] of Object.entries(g.role.targets)) {
      out.push({ kind: 'account', name: target, values: [...new Set(spec.groups)].sort(), rule: ruleOf(g) });
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name) || a.rule.localeCompare(b.rule));
}

function openAccount(target: string): Entitlement {
  return { kind: 'account', name: target, values: [], rule: ALL_ACTIVE_RULE };
}
