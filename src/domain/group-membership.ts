// Which source groups a person is in, directly or through nesting: what role conditions see as
// `groups`. Built once per run over the stored groups; cycle-safe.
import type { Group } from './types';

export class GroupMembership {
  private readonly direct = new Map<string, string[]>();
  /** lower-cased group name -> names of the groups it is nested in */
  private readonly parents = new Map<string, string[]>();

  constructor(groups: Iterable<Group>) {
    const live = [...groups].filter((g) => !g.deletedAt);
    const names = new Map(live.map((g) => [g.name.toLowerCase(), g.name]));
    for (const g of live) {
      for (const id of g.members ?? []) push(this.direct, id, g.name);
      for (const child of g.memberGroups ?? []) if (names.has(child.toLowerCase())) push(this.parents, child.toLowerCase(), g.name);
    }
  }

  /** names of every group the identity is in, sorted; [] for someone in none */
  groupsOf(identityId: string): string[] {
    const out = new Set<string>();
    const todo = [...(this.direct.get(identityId) ?? [])];
    while (todo.length) {
      const name = todo.pop()!;
      if (out.has(name)) continue;
      out.add(name);
      todo.push(...(this.parents.get(name.toLowerCase()) ?? []));
    }
    return [...out].sort();
  }
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
