// Which source groups a person is in, directly or through nesting: what role conditions see as
// `groups`, so the helpdesk (CLI and console) can tell which source put someone in the group
// that granted an access.
import type { Group } from '../types';
import { GroupMembership } from '../group-membership';

/** A source group the person is in, and whether the source lists them in it or a nested group does. */
export interface SourceGroupView {
  name: string;
  origin: string;
  direct: boolean;
}

export function sourceGroupsOf(identityId: string, groups: Group[]): SourceGroupView[] {
  const sourceGroups = groups.filter((g) => g.origin.startsWith('source:') && !g.deletedAt);
  const byName = new Map(sourceGroups.map((g) => [g.name, g]));
  return new GroupMembership(sourceGroups).groupsOf(identityId).flatMap((name) => {
    const g = byName.get(name);
    return g ? [{ name, origin: g.origin, direct: (g.members ?? []).includes(identityId) }] : [];
  });
}
