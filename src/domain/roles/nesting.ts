// Group nesting declared in the `groups:` section: a group that includes other groups has their
// members as its own, transitively (served over LDAP as `member: cn=<child>,...` in the parent, so
// memberOf and member with LDAP_MATCHING_RULE_IN_CHAIN see through the levels). Role rules still
// grant the leaf groups; nesting never puts anyone directly into a parent.
import type { ConfigProblem } from './compile';

export class GroupConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(`invalid groups configuration: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
    this.name = 'GroupConfigError';
  }
}

export interface GroupDeclaration {
  name: string;
  description?: string;
  /** groups nested inside this one */
  include: string[];
}

/** Parent group name (lower-cased) -> the names of the groups nested directly inside it. */
export type GroupNesting = ReadonlyMap<string, readonly string[]>;

export function validateGroupNesting(groups: GroupDeclaration[]): ConfigProblem[] {
  return compileCollecting(groups).problems;
}

/** The nesting of the `groups:` section, or a GroupConfigError listing every problem (cycles named). */
export function compileGroupNesting(groups: GroupDeclaration[]): GroupNesting {
  const { nesting, problems } = compileCollecting(groups);
  if (problems.length) throw new GroupConfigError(problems);
  return nesting;
}

function compileCollecting(groups: GroupDeclaration[]): { nesting: Map<string, string[]>; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const nesting = new Map<string, string[]>();
  const indexOf = new Map<string, number>();
  groups.forEach((g, i) => {
    const key = g.name.toLowerCase();
    if (indexOf.has(key)) {
      problems.push({ path: `groups[${i}].name`, message: `group "${g.name}" is declared twice (first at groups[${indexOf.get(key)}])` });
      return;
    }
    indexOf.set(key, i);
    const children: string[] = [];
    g.include.forEach((child, j) => {
      if (child.toLowerCase() === key) problems.push({ path: `groups[${i}].include[${j}]`, message: `group "${g.name}" includes itself` });
      else if (!children.some((c) => c.toLowerCase() === child.toLowerCase())) children.push(child);
    });
    nesting.set(key, children);
  });
  problems.push(...findCycles(nesting, groups, indexOf));
  return { nesting, problems };
}

/** Depth-first over `include`; each cycle is reported once, naming every group on it. */
function findCycles(nesting: Map<string, string[]>, groups: GroupDeclaration[], indexOf: Map<string, number>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const done = new Set<string>();
  const reported = new Set<string>();
  const nameOf = (key: string): string => groups[indexOf.get(key)!]?.name ?? key;
  const visit = (key: string, stack: string[]): void => {
    if (done.has(key)) return;
    const at = stack.indexOf(key);
    if (at >= 0) {
      const cycle = [...stack.slice(at), key];
      const id = [...cycle.slice(0, -1)].sort().join(',');
      if (!reported.has(id)) {
        reported.add(id);
        problems.push({ path: `groups[${indexOf.get(cycle[0])}].include`, message: `group nesting cycle: ${cycle.map(nameOf).join(' -> ')}` });
      }
      return;
    }
    for (const child of nesting.get(key) ?? []) {
      const c = child.toLowerCase();
      if (nesting.has(c)) visit(c, [...stack, key]);
    }
    done.add(key);
  };
  for (const key of nesting.keys()) visit(key, []);
  return problems;
}
