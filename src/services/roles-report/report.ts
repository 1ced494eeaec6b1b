// The role-definition report, computed from one pass over the active people and one over the audit
// records of the window, fed one at a time: a 100,000-person site never needs them all in memory.
// Members are counted by evaluating each role's condition with the rules the sync runs (so a role
// held only through an include, or whose groups another role also grants, still counts); gains and
// losses come from the entitlements the sync recorded, each of which names the rule that granted it.
// A person holds each group once, under the first rule that grants it, so a change that moved no
// access (a role came or went while another role kept granting the same groups) leaves no trace to
// list; the member count still sees it.
import type { CompiledRole } from '../../domain/roles/compile';
import type { GroupDeclaration } from '../../domain/roles/nesting';
import { ALL_ACTIVE_RULE, rolesHeld, rolesOfRule } from '../../domain/roles/policy';
import type { RoleConfig } from '../../domain/roles/types';
import type { AuditRecord, Entitlement, Identity } from '../../domain/types';
import { DEPARTMENT_RULE } from '../policy/department-groups';
import { entitlementLabel, entitlementMoves } from './entitlement-moves';
import type { ChangeList, GrantRuleReport, PersonChange, RoleReport } from './types';

export interface RoleReportInput {
  roles: RoleConfig[];
  compiled: Map<string, CompiledRole>;
  /** targets no role names, where every active person gets an account */
  openTargets: string[];
  declaredGroups: GroupDeclaration[];
  window: { days: number; since: string; until: string };
  /** how many gained and lost people each rule lists (counts are always complete) */
  listLimit: number;
  now: string;
}

/** Keeps the count and the latest `limit` changes. */
class ChangeCollector {
  private count = 0;
  private readonly latest: PersonChange[] = [];
  constructor(private readonly limit: number) {}

  add(change: PersonChange): void {
    this.count++;
    this.latest.push(change);
    if (this.latest.length > this.limit) this.latest.shift();
  }

  list(): ChangeList {
    return { count: this.count, people: [...this.latest].reverse() };
  }
}

interface Tally {
  members: number;
  gained: ChangeCollector;
  lost: ChangeCollector;
}

export class RoleReportBuilder {
  private readonly roleTallies = new Map<string, Tally>();
  private readonly department: Tally;
  private readonly allActive: Tally;
  private readonly departmentGroups = new Set<string>();
  /** declared group -> lower-cased names of every group nested in it, at any depth */
  private readonly nestedIn: Map<string, Set<string>>;
  private readonly declaredMembers = new Map<string, number>();
  private activePeople = 0;
  private auditRecordsRead = 0;

  constructor(private readonly input: RoleReportInput) {
    for (const role of input.roles) this.roleTallies.set(role.name, this.tally());
    this.department = this.tally();
    this.allActive = this.tally();
    this.nestedIn = nestedGroups(input.declaredGroups);
  }

  /** One identity with the source groups it is in (nesting included), as role conditions see them. */
  addPerson(identity: Identity, groups: string[]): void {
    if (identity.state !== 'active') return;
    this.activePeople++;
    for (const role of rolesHeld(this.input.compiled, identity, { groups })) this.roleTallies.get(role)!.members++;
    const departmentGroups = identity.entitlements.filter((e) => e.rule === DEPARTMENT_RULE);
    if (departmentGroups.length) this.department.members++;
    for (const e of departmentGroups) this.departmentGroups.add(e.name);
    if (identity.entitlements.some((e) => e.rule === ALL_ACTIVE_RULE)) this.allActive.members++;
    this.countDeclaredMembership(identity, groups);
  }

  /** Audit records in any order of seq; those outside the window are counted as read and skipped. */
  addAuditRecord(record: AuditRecord): void {
    this.auditRecordsRead++;
    const { since, until } = this.input.window;
    if (record.time < since || record.time > until) return;
    const moves = entitlementMoves(record);
    if (!moves) return;
    const handedOver = handedOverGroups(moves.added, moves.removed);
    const moved = (e: Entitlement): boolean => !(e.kind === 'group' && handedOver.has(e.name));
    const added = byGrantingRule(moves.added);
    const removed = byGrantingRule(moves.removed);
    for (const [rule, entitlements] of byGrantingRule(moves.added.filter(moved))) {
      if (!removed.has(rule)) this.tallyOf(rule)?.gained.add(changeOf(record, entitlements));
    }
    for (const [rule, entitlements] of byGrantingRule(moves.removed.filter(moved))) {
      if (!added.has(rule)) this.tallyOf(rule)?.lost.add(changeOf(record, entitlements));
    }
    this.departmentMoves(record, moves.added.filter(moved), moves.removed.filter(moved));
  }

  report(): RoleReport {
    const roles = this.input.roles.map((role) => this.roleReport(role));
    return {
      generatedAt: this.input.now,
      window: this.input.window,
      activePeople: this.activePeople,
      auditRecordsRead: this.auditRecordsRead,
      listLimit: this.input.listLimit,
      rules: [...roles, this.departmentReport(), ...this.allActiveReport(), ...this.declaredReports()],
      unmatched: roles.filter((r) => r.members === 0).map((r) => r.name),
    };
  }

  private tally(): Tally {
    return { members: 0, gained: new ChangeCollector(this.input.listLimit), lost: new ChangeCollector(this.input.listLimit) };
  }

  private tallyOf(rule: string): Tally | undefined {
    return rule === ALL_ACTIVE_RULE ? this.allActive : this.roleTallies.get(rule);
  }

  /** A department move shows as the same rule on both sides: the groups that differ are what moved. */
  private departmentMoves(record: AuditRecord, added: Entitlement[], removed: Entitlement[]): void {
    const before = new Set(removed.filter((e) => e.rule === DEPARTMENT_RULE).map((e) => e.name));
    const after = new Set(added.filter((e) => e.rule === DEPARTMENT_RULE).map((e) => e.name));
    const gained = added.filter((e) => e.rule === DEPARTMENT_RULE && !before.has(e.name));
    const lost = removed.filter((e) => e.rule === DEPARTMENT_RULE && !after.has(e.name));
    if (gained.length) this.department.gained.add(changeOf(record, gained));
    if (lost.length) this.department.lost.add(changeOf(record, lost));
  }

  private countDeclaredMembership(identity: Identity, groups: string[]): void {
    if (this.nestedIn.size === 0) return;
    const held = new Set(groups.map((g) => g.toLowerCase()));
    for (const e of identity.entitlements) if (e.kind === 'group') held.add(e.name.toLowerCase());
    for (const [name, nested] of this.nestedIn) {
      if ([...nested].some((g) => held.has(g))) this.declaredMembers.set(name, (this.declaredMembers.get(name) ?? 0) + 1);
    }
  }

  private roleReport(role: RoleConfig): GrantRuleReport {
    const tally = this.roleTallies.get(role.name)!;
    const targets: Record<string, string[]> = {};
    for (const [target, spec] of Object.entries(role.targets)) targets[target] = [...spec.groups];
    return {
      name: role.name,
      kind: 'role',
      description: role.description ?? null,
      condition: role.when ?? null,
      include: [...role.include],
      includedBy: this.input.roles.filter((r) => r.include.includes(role.name)).map((r) => r.name),
      grants: { groups: [...role.groups], targets },
      members: tally.members,
      gained: tally.gained.list(),
      lost: tally.lost.list(),
    };
  }

  private departmentReport(): GrantRuleReport {
    return {
      ...builtin(DEPARTMENT_RULE, 'department-groups', 'every active person with a department is in that department\'s group'),
      grants: { groups: [...this.departmentGroups].sort(), targets: {} },
      members: this.department.members,
      gained: this.department.gained.list(),
      lost: this.department.lost.list(),
    };
  }

  private allActiveReport(): GrantRuleReport[] {
    if (this.input.openTargets.length === 0) return [];
    return [
      {
        ...builtin(ALL_ACTIVE_RULE, 'all-active', 'every active person (these targets are named by no role)'),
        grants: { groups: [], targets: Object.fromEntries(this.input.openTargets.map((t) => [t, []])) },
        members: this.allActive.members,
        gained: this.allActive.gained.list(),
        lost: this.allActive.lost.list(),
      },
    ];
  }

  private declaredReports(): GrantRuleReport[] {
    return this.input.declaredGroups
      .filter((g) => g.include.length > 0)
      .map((g) => ({
        ...builtin(g.name, 'declared-group', `members of ${g.include.join(', ')} and of the groups nested in them`),
        description: g.description ?? null,
        include: [...g.include],
        grants: { groups: [g.name], targets: {} },
        members: this.declaredMembers.get(g.name) ?? 0,
        gained: null,
        lost: null,
      }));
  }
}

type BuiltinFields = Pick<GrantRuleReport, 'name' | 'kind' | 'description' | 'condition' | 'include' | 'includedBy'>;

function builtin(name: string, kind: GrantRuleReport['kind'], condition: string): BuiltinFields {
  return { name, kind, description: null, condition, include: [], includedBy: [] };
}

/**
 * Entitlements grouped by each role their rule names (a grant through `include` names every hop)
 * and by the all-active rule. A rule on both sides of one record (a target's groups changed) is
 * neither gained nor lost.
 */
function byGrantingRule(entitlements: Entitlement[]): Map<string, Entitlement[]> {
  const out = new Map<string, Entitlement[]>();
  for (const e of entitlements) {
    const rules = e.rule === ALL_ACTIVE_RULE ? [ALL_ACTIVE_RULE] : rolesOfRule(e.rule);
    for (const rule of rules) out.set(rule, [...(out.get(rule) ?? []), e]);
  }
  return out;
}

/**
 * Groups removed under one rule and added under another in the same change. A person holds each
 * group once, recorded with the first rule that grants it, so such a group says only that the first
 * granting rule changed: not that the person gained the new one (they may have held it all along)
 * nor lost the old one (an earlier rule may have started to match). It is evidence for neither.
 */
function handedOverGroups(added: Entitlement[], removed: Entitlement[]): Set<string> {
  const removedGroups = new Set(removed.filter((e) => e.kind === 'group').map((e) => e.name));
  return new Set(added.filter((e) => e.kind === 'group' && removedGroups.has(e.name)).map((e) => e.name));
}

function changeOf(record: AuditRecord, entitlements: Entitlement[]): PersonChange {
  return {
    username: record.subject.username ?? null,
    identityId: record.subject.id,
    time: record.time,
    seq: record.seq,
    action: record.action,
    entitlements: entitlements.map(entitlementLabel),
  };
}

/** Each declared group and every group nested in it, lower-cased, through any number of levels (cycle-safe). */
function nestedGroups(declared: GroupDeclaration[]): Map<string, Set<string>> {
  const children = new Map(declared.map((g) => [g.name.toLowerCase(), g.include.map((c) => c.toLowerCase())]));
  const out = new Map<string, Set<string>>();
  for (const g of declared) {
    if (g.include.length === 0) continue;
    // a role may grant the declared group itself too
    const seen = new Set<string>();
    const todo = [g.name.toLowerCase()];
    while (todo.length) {
      const name = todo.pop()!;
      if (seen.has(name)) continue;
      seen.add(name);
      todo.push(...(children.get(name) ?? []));
    }
    out.set(g.name, seen);
  }
  return out;
}
