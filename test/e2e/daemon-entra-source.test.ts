// People live in Microsoft Entra ID (the Graph fake: delta queries, @removed, members@delta); the
// daemon serves them over LDAP and provisions a SCIM application. A person whose account is
// disabled, and one who is deleted, in Entra lose both after the next scheduled delta run.
import type { ChildProcess } from 'node:child_process';
import { startGraphDeltaFake, type GraphDeltaFake } from '../fakes/graph-delta';
import { startScimServer, type ScimServer } from '../fakes/scim-server';
import { directorySite, memberOf, startDaemon } from '../helpers/directory-site';
import { addColleagues, expectEveryoneServed, expectLeaversCutOff, PLATFORM, STAYER, stopSite, untilGraceInPlatform } from '../helpers/leavers';

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
    await stopSite(child, prefix);
    await graph.close();
    await scim.close();
  });

  it('refuses the LDAP bind of a disabled and of a deleted person and disables their SCIM accounts after the next delta run', async () => {
    const grace = addEntraUser(graph, 'Grace', 'Hopper', 'E1');
    const alan = addEntraUser(graph, 'Alan', 'Turing', 'E2');
    addEntraUser(graph, 'Ada', 'Lovelace', 'E3');
    addColleagues((given, surname, id) => addEntraUser(graph, given, surname, id));
    const s = await directorySite(entraSource(graph), scim);
    prefix = s.prefix;
    child = startDaemon(s);

    await expectEveryoneServed(s, scim);
    const deltaReadsBefore = graph.server.log.filter((r) => r.path === '/v1.0/users/delta').length;

    // An admin blocks Grace's sign-in and deletes Alan (soft delete: "@removed": "changed").
    graph.updateUser(grace, { accountEnabled: false });
    graph.softDelete(alan);

    await expectLeaversCutOff(s, scim);
    expect(graph.server.log.filter((r) => r.path === '/v1.0/users/delta').length).toBeGreaterThan(deltaReadsBefore);
  }, 120_000);

  it('removes a person from memberOf after a group membership is removed in Entra', () => membershipRemovedFromMemberOf(graph, scim, (c, p) => ((child = c), (prefix = p))), 120_000);
});

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
  await untilGraceInPlatform(s, true);
  graph.removeMember(group, grace);
  await untilGraceInPlatform(s, false);
  expect(await memberOf(s.ldapUrl, STAYER)).toContain(PLATFORM);
}
