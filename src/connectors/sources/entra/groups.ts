// Graph group delta items -> RawGroups. One group may come in several slices on different pages;
// slices are merged by id before anything is reported.
import type { RawGroup } from '../../../ports/source-connector';

const GROUP_TYPE = '#microsoft.graph.group';

interface GroupAccumulator {
  id: string;
  name?: string;
  description?: string;
  removed: boolean;
  users: Map<string, boolean>; // id -> present (false = @removed)
  groups: Map<string, boolean>;
  location: string;
}

export class GroupSlices {
  private readonly byId = new Map<string, GroupAccumulator>();

  add(item: any, location: string): boolean {
    if (typeof item?.id !== 'string' || item.id === '') return false;
    let acc = this.byId.get(item.id);
    if (!acc) {
      acc = { id: item.id, removed: false, users: new Map(), groups: new Map(), location };
      this.byId.set(item.id, acc);
    }
    if (item['@removed']) acc.removed = true;
    if (typeof item.displayName === 'string') acc.name = item.displayName;
    if (typeof item.description === 'string') acc.description = item.description;
    for (const m of Array.isArray(item['members@delta']) ? item['members@delta'] : []) {
      if (typeof m?.id !== 'string') continue;
      const into = m['@odata.type'] === GROUP_TYPE ? acc.groups : acc.users;
      into.set(m.id, !m['@removed']);
    }
    return true;
  }

  /** groups seen without a display name (a delta slice may carry only members) */
  unnamed(): string[] {
    return [...this.byId.values()].filter((g) => !g.removed && g.name === undefined).map((g) => g.id);
  }

  name(id: string, displayName: string, description?: string): void {
    const acc = this.byId.get(id);
    if (acc) Object.assign(acc, { name: displayName, description: description ?? acc.description });
  }

  /** Full round: whole member lists. Delta round: member changes. Excluded names count as removed in a delta. */
  result(mode: 'full' | 'delta', included: (name: string) => boolean): { groups: RawGroup[]; removed: string[] } {
    const groups: RawGroup[] = [];
    const removed: string[] = [];
    for (const g of this.byId.values()) {
      if (g.removed || g.name === undefined || !included(g.name)) {
        if (mode === 'delta') removed.push(g.id);
        continue;
      }
      const base: RawGroup = { externalId: g.id, name: g.name, location: g.location, ...(g.description !== undefined ? { description: g.description } : {}) };
      if (mode === 'full') groups.push({ ...base, members: keys(g.users, true), memberGroups: keys(g.groups, true) });
      else groups.push({ ...base, memberChanges: { added: keys(g.users, true), removed: keys(g.users, false), addedGroups: keys(g.groups, true), removedGroups: keys(g.groups, false) } });
    }
    return { groups, removed };
  }
}

function keys(map: Map<string, boolean>, present: boolean): string[] {
  return [...map].filter(([, p]) => p === present).map(([id]) => id);
}
