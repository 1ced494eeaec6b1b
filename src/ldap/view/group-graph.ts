// Nested groups: closures over the member graph, cycle-safe (a group nested in itself ends the walk).
import type { GroupRec } from './records';
import type { ViewState } from './state';

/** The group and every group nested in it, transitively; cycle-safe. Empty if the id is not a group. */
export function descendantGroups(s: ViewState, groupId: number): Set<number> {
  const out = new Set<number>();
  const start = s.recs.get(groupId);
  if (start?.kind !== 'group') return out;
  const todo = [start];
  while (todo.length > 0) {
    const g = todo.pop()!;
    if (out.has(g.id)) continue;
    out.add(g.id);
    for (const child of g.nestedIds) todo.push(s.recs.get(child) as GroupRec);
  }
  return out;
}

/** Every group the entry belongs to, directly or through nesting; cycle-safe. */
export function ancestorGroups(s: ViewState, id: number): Set<number> {
  const out = new Set<number>();
  const rec = s.recs.get(id);
  const todo = rec?.kind === 'person' ? [...rec.groupIds] : rec?.kind === 'group' ? [...rec.parentIds] : [];
  while (todo.length > 0) {
    const g = todo.pop()!;
    if (out.has(g)) continue;
    out.add(g);
    todo.push(...(s.recs.get(g) as GroupRec).parentIds);
  }
  return out;
}
