// Turns the `roles:` configuration into compiled rules, reporting every problem with its path.
import type { RoleConfig } from './types';
import { compileCondition, type Condition } from './cel';

export interface ConfigProblem {
  path: string;
  message: string;
}

export interface CompiledRole {
  name: string;
  /** the CEL text of the condition, as configured */
  when?: string;
  condition: Condition | null;
  include: string[];
  groups: string[];
  targets: Record<string, { groups: string[] }>;
}

export class RoleConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(`invalid roles configuration: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
    this.name = 'RoleConfigError';
  }
}

/** Every problem of the roles section, each tagged with its config path (for `idsync config check`). */
export function validateRoles(roles: RoleConfig[], targetNames?: string[]): ConfigProblem[] {
  return compileRolesCollecting(roles, targetNames).problems;
}

/** Compiles roles or throws a RoleConfigError listing every problem. */
export function compileRoles(roles: RoleConfig[], targetNames?: string[]): Map<string, CompiledRole> {
  const { compiled, problems } = compileRolesCollecting(roles, targetNames);
  if (problems.length) throw new RoleConfigError(problems);
  return compiled;
}

function compileRolesCollecting(
  roles: RoleConfig[],
  targetNames?: string[],
): { compiled: Map<string, CompiledRole>; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const compiled = new Map<string, CompiledRole>();
  roles.forEach((role, i) => {
    if (compiled.has(role.name)) {
      problems.push({ path: `roles[${i}].name`, message: `duplicate role name "${role.name}"` });
      return;
    }
    compiled.set(role.name, {
      name: role.name,
      when: role.when,
      condition: compileWhen(role, i, problems),
      include: role.include ?? [],
      groups: role.groups ?? [],
      targets: role.targets ?? {},
    });
  });
  roles.forEach((role, i) => checkReferences(role, i, compiled, targetNames, problems));
  problems.push(...findCycles(compiled, roles));
  return { compiled, problems };
}

function compileWhen(role: RoleConfig, index: number, problems: ConfigProblem[]): Condition | null {
  if (role.when === undefined) return null;
  try {
    return compileCondition(role.when);
  } catch (err) {
    problems.push({ path: `roles[${index}].when`, message: `role "${role.name}": ${(err as Error).message}` });
    return null;
  }
}

function checkReferences(
  role: RoleConfig,
  index: number,
  compiled: Map<string, CompiledRole>,
  targetNames: string[] | undefined,
  problems: ConfigProblem[],
): void {
  (role.include ?? []).forEach((inc, j) => {
    if (!compiled.has(inc)) {
      problems.push({ path: `roles[${index}].include[${j}]`, message: `role "${role.name}" includes unknown role "${inc}"` });
    }
  });
  if (!targetNames) return;
  for (const t of Object.keys(role.targets ?? {})) {
    if (!targetNames.includes(t)) {
      problems.push({ path: `roles[${index}].targets.${t}`, message: `role "${role.name}" names unknown target "${t}"` });
    }
  }
}

/** Depth-first search over `include`; each cycle is reported once, with its full path. */
function findCycles(compiled: Map<string, CompiledRole>, roles: RoleConfig[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const done = new Set<string>();
  const reported = new Set<string>();
  const visit = (name: string, stack: string[]): void => {
    if (done.has(name)) return;
    const at = stack.indexOf(name);
    if (at >= 0) {
      const cycle = [...stack.slice(at), name];
      const key = [...cycle.slice(0, -1)].sort().join(',');
      if (!reported.has(key)) {
        reported.add(key);
        const index = roles.findIndex((r) => r.name === cycle[0]);
        problems.push({ path: `roles[${index}].include`, message: `role include cycle: ${cycle.join(' -> ')}` });
      }
      return;
    }
    for (const inc of compiled.get(name)?.include ?? []) if (compiled.has(inc)) visit(inc, [...stack, name]);
    done.add(name);
  };
  for (const name of compiled.keys()) visit(name, []);
  return problems;
}
