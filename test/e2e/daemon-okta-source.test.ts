// The site idsync exists for: people live in Okta, a legacy app binds to idsync's LDAP view and a
// SCIM application gets accounts. A person suspended or deactivated in Okta loses both after the
// next scheduled (incremental) run of the daemon, with no manual sync in between.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { deletePrefix } from '../../src/redis/keys';
import { startOktaFake, type OktaFake } from '../fakes/okta';
import { startScimServer, type ScimServer } from '../fakes/scim-server';
import { stopChild, until } from '../helpers/process';
import { addOktaUser, setOktaStatus } from '../helpers/vendor-people';
import { directorySite, ldapsearch, memberOf, scimUser, setPassword, startDaemon, whoami } from '../helpers/directory-site';

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
    await stopChild(child);
    await okta.close();
    await scim.close();
    if (prefix) {
      const redis = new Redis();
      await deletePrefix(redis, prefix);
      redis.disconnect();
    }
  });

  it('refuses the LDAP bind of a suspended and of a deactivated person and disables their SCIM accounts after the next scheduled run', async () => {
    const grace = addOktaUser(okta, 'Grace', 'Hopper', 'E1');
    const alan = addOktaUser(okta, 'Alan', 'Turing', 'E2');
    addOktaUser(okta, 'Ada', 'Lovelace', 'E3');
    // colleagues, so two leavers stay below the removal thresholds' share of the population
    // (a target holds removals of more than 10% of its accounts at once)
    for (let i = 0; i < 30; i++) addOktaUser(okta, 'Test', `Person${String.fromCharCode(97 + (i % 26), 97 + Math.floor(i / 26))}`, `E${10 + i}`);
    const s = await directorySite(oktaSource(okta), scim);
    prefix = s.prefix;
    child = startDaemon(s);

    await until(async () => ((await ldapsearch(s.ldapUrl, '(uid=aturing)', 'uid')).includes('uid: aturing') ? true : undefined), 30000, { retryOnError: true });
    for (const uid of ['ghopper', 'aturing', 'alovelace']) await setPassword(s.config, uid);
    for (const uid of ['ghopper', 'aturing', 'alovelace']) expect(await whoami(s.ldapUrl, uid)).toBe(0);
    await until(() => (['ghopper', 'aturing', 'alovelace'].every((u) => scimUser(scim, u)?.active === true) ? true : undefined), 20000);
    const listsBefore = okta.server.log.filter((r) => r.path === '/api/v1/users').length;

    // An admin suspends Grace and deactivates Alan in Okta; nobody touches idsync.
    setOktaStatus(okta, grace, 'SUSPENDED');
    setOktaStatus(okta, alan, 'DEPROVISIONED');

    await until(async () => ((await whoami(s.ldapUrl, 'ghopper')) === 49 && (await whoami(s.ldapUrl, 'aturing')) === 49 ? true : undefined), 30000);
    await until(() => (scimUser(scim, 'ghopper')?.active === false && scimUser(scim, 'aturing')?.active === false ? true : undefined), 20000);
    // the change came from a scheduled run that listed users again, and nobody else lost anything
    expect(okta.server.log.filter((r) => r.path === '/api/v1/users').length).toBeGreaterThan(listsBefore);
    expect(await whoami(s.ldapUrl, 'alovelace')).toBe(0);
    expect(scimUser(scim, 'alovelace').active).toBe(true);
  }, 120_000);

  it('removes a person from memberOf after a group membership is removed in Okta', () => membershipRemovedFromMemberOf(okta, scim, (c, p) => ((child = c), (prefix = p))), 120_000);
});

const PLATFORM = 'cn=platform team,ou=groups,dc=example,dc=com';

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
  await until(async () => ((await memberOf(s.ldapUrl, 'ghopper')).includes(PLATFORM) ? true : undefined), 30000, { retryOnError: true });
  // what removing a member in Okta does: the member leaves, lastMembershipUpdated moves
  platform.members.delete(grace);
  Object.assign(platform, { lastMembershipUpdated: new Date().toISOString() });
  await until(async () => (!(await memberOf(s.ldapUrl, 'ghopper')).includes(PLATFORM) ? true : undefined), 30000);
  expect(await memberOf(s.ldapUrl, 'alovelace')).toContain(PLATFORM);
}
