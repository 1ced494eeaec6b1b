// Okta groups and their members. The list follows Link rel="next" only; a delta run asks for the
// groups whose profile or membership changed since the watermark and reads the members of each of
// them whole, since Okta reports that a membership changed but not which.
import type { RawGroup, SourceProblem } from '../../../ports/source-connector';
import type { OktaSourceConfig } from './config';

/** member listings in flight at once: enough to hide latency, few enough to stay under the rate limit */
const MEMBER_CONCURRENCY = 4;

export interface OktaPage {
  items: any[];
  /** e.g. "groups page 2", for messages */
  label: string;
}

/** Pages of one listing, following Link rel="next"; throws ReadError naming the page that failed. */
export type Pager = (url: string, what: string) => AsyncIterable<OktaPage>;

export interface GroupRead {
  groups: RawGroup[];
  /** listed in a delta but no longer wanted (renamed out of `include`): gone for idsync */
  removed: string[];
  problems: SourceProblem[];
  /** the latest lastUpdated / lastMembershipUpdated seen, or null when no group was listed */
  latest: string | null;
}

type GroupsConfig = NonNullable<OktaSourceConfig['groups']>;

export function groupFilter(since: string | null): string | null {
  return since ? `lastUpdated gt "${since}" or lastMembershipUpdated gt "${since}"` : null;
}

export function wantedGroup(cfg: GroupsConfig, include: RegExp[]): (g: any) => boolean {
  return (g) => {
    const name = g?.profile?.name;
    if (typeof name !== 'string' || name === '') return false;
    const named = include.some((r) => r.test(name));
    if (g.type === 'OKTA_GROUP') return include.length === 0 || named;
    if (g.type === 'APP_GROUP') return cfg.appGroups ? include.length === 0 || named : named;
    return false; // BUILT_IN (Everyone) holds every user: not a group anyone asked for
  };
}

export async function readOktaGroups(pages: Pager, base: string, cfg: OktaSourceConfig, since: string | null): Promise<GroupRead> {
  const groupsCfg = cfg.groups!;
  const wanted = wantedGroup(groupsCfg, groupsCfg.include.map((p) => new RegExp(p)));
  const q = new URLSearchParams({ limit: String(cfg.pageSize) });
  const filter = groupFilter(since);
  if (filter) q.set('filter', filter);
  const out: GroupRead = { groups: [], removed: [], problems: [], latest: null };
  for await (const page of pages(`${base}/api/v1/groups?${q}`, 'groups')) {
    page.items.forEach((g, i) => {
      const location = `${page.label}, item ${i + 1}`;
      for (const at of [g?.lastUpdated, g?.lastMembershipUpdated]) if (typeof at === 'string' && (!out.latest || at > out.latest)) out.latest = at;
      if (typeof g?.id !== 'string' || g.id === '') return void out.problems.push({ location, message: 'group without an id' });
      if (!wanted(g)) {
        if (since && g.type !== 'BUILT_IN') out.removed.push(g.id);
        return;
      }
      const description = typeof g.profile.description === 'string' && g.profile.description !== '' ? g.profile.description : undefined;
      out.groups.push({ externalId: g.id, name: g.profile.name, ...(description ? { description } : {}), members: [], memberGroups: [], location });
    });
  }
  await inPool(out.groups, MEMBER_CONCURRENCY, (group) => readMembers(pages, base, cfg.pageSize, group));
  return out;
}

async function readMembers(pages: Pager, base: string, pageSize: number, group: RawGroup): Promise<void> {
  const url = `${base}/api/v1/groups/${encodeURIComponent(group.externalId)}/users?limit=${pageSize}`;
  for await (const page of pages(url, `members of group ${group.name}`)) {
    for (const user of page.items) if (typeof user?.id === 'string' && user.id !== '') group.members!.push(user.id);
  }
}

async function inPool<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
}
