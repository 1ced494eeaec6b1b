// People live in Microsoft Entra ID (the Graph fake: delta queries, @removed, members@delta); the
// daemon serves them over LDAP and provisions a SCIM application. A person whose account is
// disabled, and one who is deleted, in Entra lose both after the next scheduled delta run.
import type { ChildProcess } from 'node:child_process';
import Redis from 'ioredis';
import { deletePrefix } from '../../src/redis/keys';
import { startGraphDeltaFake, type GraphDeltaFake } from '../fakes/graph-delta';
import { startScimServer, type ScimServer } from '../fakes/scim-server';
import { stopChild, until } from '../helpers/process';
import { directorySite, ldapsearch, memberOf, scimUser, setPassword, startDaemon, whoami } from '../helpers/directory-site';

function addEntraUser(graph: GraphDeltaFake, given: string, surname: string, employeeId: string): string {
  const mail = `${given}.${surname}@example.com`.toLowerCase();
  return graph.addUser({ givenName: given, surname, displayName: `${given} ${surname}`, mail, userPrincipalName: mail, employeeId, department: 'Engineering', jobTitle: 'Engineer' });
}

const entraSource = (g: GraphDeltaFake) =>
  `name: entra, kind: entra, tenantId: "${g.tenantId}", clientId: "${g.clientId}", clientSecret: "${g.clientSecret}", authorityUrl: "${g.authorityUrl}", graphUrl: "${g.graphUrl}", groups: {}`;

describe('the daemon follows an Entra source on its schedule', () => {
  let graph: GraphDeltaFake;
  let scim: ScimServer;
  let child: ChildProcess | undefined;
  let prefix: string | undefined;
  beforeEach(async () => {
    graph = await startGraphDeltaFake({ pageSize: 5, memberSlice: 2 });
    scim = await startScimServer();
  });
  afterEach(async () => {
    await stopChild(child);
    await graph.close();
    await scim.close();
    if (prefix) {
      const redis = new Redis();
      await deletePrefix(redis, prefix);
      redis.disconnect();
    }
  });

  it('refuses the LDAP bind of a disabled and of a deleted person and disables their SCIM accounts after the next delta run', async () => {
    const grace = addEntraUser(graph, 'Grace', 'Hopper', 'E1');
    const alan = addEntraUser(graph, 'Alan', 'Turing', 'E2');
    addEntraUser(graph, 'Ada', 'Lovelace', 'E3');
    // colleagues, so two leavers stay below the removal thresholds' share of the population
    for (let i = 0; i < 30; i++) addEntraUser(graph, 'Test', `Person${String.fromCharCode(97 + (i % 26), 97 + Math.floor(i / 26))}`, `E${10 + i}`);
    const s = await directorySite(entraSource(graph), scim);
    prefix = s.prefix;
    child = startDaemon(s);

    await until(async () => ((await ldapsearch(s.ldapUrl, '(uid=aturing)', 'uid')).includes('uid: aturing') ? true : undefined), 30000, { retryOnError: true });
    for (const uid of ['ghopper', 'aturing', 'alovelace']) await setPassword(s.config, uid);
    for (const uid of ['ghopper', 'aturing', 'alovelace']) expect(await whoami(s.ldapUrl, uid)).toBe(0);
    await until(() => (['ghopper', 'aturing', 'alovelace'].every((u) => scimUser(scim, u)?.active === true) ? true : undefined), 20000);
    const deltaReadsBefore = graph.server.log.filter((r) => r.path === '/v1.0/users/delta').length;

    // An admin blocks Grace's sign-in and deletes Alan (soft delete: "@removed": "changed").
    graph.updateUser(grace, { accountEnabled: false });
    graph.softDelete(alan);

    await until(async () => ((await whoami(s.ldapUrl, 'ghopper')) === 49 && (await whoami(s.ldapUrl, 'aturing')) === 49 ? true : undefined), 30000);
    await until(() => (scimUser(scim, 'ghopper')?.active === false && scimUser(scim, 'aturing')?.active === false ? true : undefined), 20000);
    expect(graph.server.log.filter((r) => r.path === '/v1.0/users/delta').length).toBeGreaterThan(deltaReadsBefore);
    expect(await whoami(s.ldapUrl, 'alovelace')).toBe(0);
    expect(scimUser(scim, 'alovelace').active).toBe(true);
  }, 120_000);

  it('removes a person from memberOf after a group membership is removed in Entra', () => membershipRemovedFromMemberOf(graph, scim, (c, p) => ((child = c), (prefix = p))), 120_000);
});

const PLATFORM = 'cn=platform team,ou=groups,dc=example,dc=com';

/**
 * The scenario of the test above: Grace and Ada are members of "Platform Team"; Grace is removed
 * from it in Entra (members@delta with @removed); the next scheduled run takes the group out of her
 * memberOf, and Ada keeps it. `started` hands the daemon and its Redis prefix to the caller.
 */
export async function membershipRemovedFromMemberOf(graph: GraphDeltaFake, scim: ScimServer, started: (child: ChildProcess, prefix: string) => void): Promise<void> {
  const grace = addEntraUser(graph, 'Grace', 'Hopper', 'E1');
  const ada = addEntraUser(graph, 'Ada', 'Lovelace', 'E3');
  const group = graph.addGroup('Platform Team', [grace, ada]);
  const s = await directorySite(entraSource(graph), scim);
  started(startDaemon(s), s.prefix);
  await until(async () => ((await memberOf(s.ldapUrl, 'ghopper')).includes(PLATFORM) ? true : undefined), 30000, { retryOnError: true });
  graph.removeMember(group, grace);
  await until(async () => (!(await memberOf(s.ldapUrl, 'ghopper')).includes(PLATFORM) ? true : undefined), 30000);
  expect(await memberOf(s.ldapUrl, 'alovelace')).toContain(PLATFORM);
}
