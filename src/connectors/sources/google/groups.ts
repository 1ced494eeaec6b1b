// Groups and their direct members. Members of type USER name users by their Google id; members
// of type GROUP are nested groups (kept nested, not flattened). Members outside the read (other
// customers' users, excluded groups) are left out: they are not records of this source.
import type { RawGroup, RawRecord, SourceProblem } from '../../../ports/source-connector';
import type { GoogleSourceConfig } from './config';
import type { DirectoryClient } from './directory-client';

const GROUPS = '/admin/directory/v1/groups';
/** member listings in flight at once: enough to hide latency, few enough not to trip quotas */
const MEMBER_CONCURRENCY = 4;

interface DirectoryGroup {
  id?: string;
  email?: string;
  name?: string;
  description?: string;
}

interface DirectoryMember {
  id?: string;
  email?: string;
  type?: string;
}

export async function readGroups(
  client: DirectoryClient,
  cfg: GoogleSourceConfig,
  scope: Record<string, string>,
  users: RawRecord[],
  problems: SourceProblem[],
): Promise<RawGroup[]> {
  const include = cfg.groups.include.map((p) => new RegExp(p));
  const listed: RawGroup[] = [];
  for await (const page of client.pages<DirectoryGroup>(GROUPS, { ...scope, maxResults: '200' }, 'groups', 'groups')) {
    page.items.forEach((g, i) => {
      const location = `${page.label} item ${i + 1}`;
      if (typeof g?.id !== 'string' || g.id === '') return void problems.push({ location, message: `group ${g?.email ?? '(no email)'} has no id` });
      const name = g.name || g.email || g.id;
      if (include.length && !include.some((re) => re.test(name) || (g.email !== undefined && re.test(g.email)))) return;
      listed.push({ externalId: g.id, name, description: g.description || undefined, members: [], memberGroups: [], location });
    });
  }
  const userIds = new Set(users.filter((u) => u.attributes.status !== 'terminated').map((u) => u.externalId));
  const userIdByEmail = new Map(users.map((u) => [String(u.attributes.mail).toLowerCase(), u.externalId]));
  const groupIds = new Set(listed.map((g) => g.externalId));
  let next = 0;
  const worker = async () => {
    while (next < listed.length) {
      const group = listed[next++];
      await readMembers(client, group, { userIds, userIdByEmail, groupIds });
    }
  };
  await Promise.all(Array.from({ length: Math.min(MEMBER_CONCURRENCY, listed.length) }, worker));
  return listed;
}

interface Known {
  userIds: Set<string>;
  userIdByEmail: Map<string, string>;
  groupIds: Set<string>;
}

async function readMembers(client: DirectoryClient, group: RawGroup, known: Known): Promise<void> {
  const path = `${GROUPS}/${encodeURIComponent(group.externalId)}/members`;
  for await (const page of client.pages<DirectoryMember>(path, { maxResults: '200' }, 'members', `members of group ${group.name}`)) {
    for (const m of page.items) {
      if (m?.type === 'GROUP') {
        if (m.id && known.groupIds.has(m.id)) group.memberGroups!.push(m.id);
      } else if (m?.type === 'USER') {
        const id = m.id && known.userIds.has(m.id) ? m.id : m.email ? known.userIdByEmail.get(m.email.toLowerCase()) : undefined;
        if (id) group.members!.push(id);
      }
    }
  }
}
