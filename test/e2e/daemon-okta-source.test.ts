// The site idsync exists for: people live in Okta, a legacy app binds to idsync's LDAP view and a
// SCIM application gets accounts. A person suspended or deactivated in Okta loses both after the
// next scheduled (incremental) run of the daemon, with no manual sync in between.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { startOktaFake, type OktaFake } from '../fakes/okta';
import { startScimServer, type ScimServer } from '../fakes/scim-server';
import { addOktaUser, setOktaStatus } from '../helpers/vendor-people';
import { directorySite, memberOf, startDaemon } from '../helpers/directory-site';
import { addColleagues, expectEveryoneServed, expectLeaversCutOff, PLATFORM, STAYER, stopSite, untilGraceInPlatform } from '../helpers/leavers';

const oktaSource = (okta: OktaFake) => `name: okta, kind: okta, url: "${okta.url}", token: "${okta.token}", groups: {}`;

describe('the daemon follows an Okta source on its schedule', () => {
  let okta: OktaFake;
  let scim: ScimServer;
  let child: ChildProcess | undefined;
  let prefix: string | undefined;
  beforeEach(async () => {
    okta = await startOktaFake();
    scim = await startScimServer();
  });
  afterEach(async () => {
    await stopSite(child, prefix);
    await okta.close();
    await scim.close();
  });

  it('refuses the LDAP bind of a suspended and of a deactivated person and disables their SCIM accounts after the next scheduled run', async () => {
    const grace = addOktaUser(okta, 'Grace', 'Hopper', 'E1');
    const alan = addOktaUser(okta, 'Alan', 'Turing', 'E2');
    addOktaUser(okta, 'Ada', 'Lovelace', 'E3');
    // colleagues: a target holds removals of more than 10% of its accounts at once
    addColleagues((given, surname, id) => addOktaUser(okta, given, surname, id));
    const s = await directorySite(oktaSource(okta), scim);
    prefix = s.prefix;
    child = startDaemon(s);

    await expectEveryoneServed(s, scim);
    const listsBefore = okta.server.log.filter((r) => r.path === '/api/v1/users').length;

    // An admin suspends Grace and deactivates Alan in Okta; nobody touches idsync.
    setOktaStatus(okta, grace, 'SUSPENDED');
    setOktaStatus(okta, alan, 'DEPROVISIONED');

    // nobody else lost anything, and the change came from a scheduled run that listed users again
    await expectLeaversCutOff(s, scim);
    expect(okta.server.log.filter((r) => r.path === '/api/v1/users').length).toBeGreaterThan(listsBefore);
  }, 120_000);

  it('removes a person from memberOf after a group membership is removed in Okta', () => membershipRemovedFromMemberOf(okta, scim, (c, p) => ((child = c), (prefix = p))), 120_000);
});

/**
 * The scenario of the test above: Grace and Ada are in the Okta group "Platform Team"; after
 * Grace's membership is removed in Okta, the next scheduled run takes the group out of her
 * memberOf, and Ada, still a member, keeps it. `started` hands the daemon and its Redis prefix to
 * the caller, who stops and cleans up after it.
 */
export async function membershipRemovedFromMemberOf(okta: OktaFake, scim: ScimServer, started: (child: ChildProcess, prefix: string) => void): Promise<void> {
  const grace = addOktaUser(okta, 'Grace', 'Hopper', 'E1');
  const ada = addOktaUser(okta, 'Ada', 'Lovelace', 'E3');
  const group = `00g${randomBytes(8).toString('hex')}`;
  const stamp = new Date().toISOString();
  // with the timestamps Okta's group objects carry, which a groups delta reads
  const platform = { id: group, type: 'OKTA_GROUP' as const, created: stamp, lastUpdated: stamp, lastMembershipUpdated: stamp, profile: { name: 'Platform Team', description: null }, members: new Set([grace, ada]) };
  okta.groups.set(group, platform);
  const s = await directorySite(oktaSource(okta), scim);
  started(startDaemon(s), s.prefix);
  await untilGraceInPlatform(s, true);
  // what removing a member in Okta does: the member leaves, lastMembershipUpdated moves
  platform.members.delete(grace);
  Object.assign(platform, { lastMembershipUpdated: new Date().toISOString() });
  await untilGraceInPlatform(s, false);
  expect(await memberOf(s.ldapUrl, STAYER)).toContain(PLATFORM);
}
