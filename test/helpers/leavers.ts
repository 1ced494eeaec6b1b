// The scenario every directory-source e2e test plays: Grace, Alan and Ada (and 30 colleagues, so
// two leavers stay below the removal thresholds' share of the population) are served over LDAP and
// hold SCIM accounts; after a change at the vendor, the next scheduled run cuts Grace and Alan off
// while Ada keeps everything. Only the vendor's way of adding and removing people differs.
import type { ChildProcess } from 'node:child_process';
import Redis from 'ioredis';
import { deletePrefix } from '../../src/redis/keys';
import type { ScimServer } from '../fakes/scim-server';
import { ldapsearch, memberOf, scimUser, setPassword, whoami, type DirectorySite } from './directory-site';
import { stopChild, until } from './process';

export const STAYER = 'alovelace';
const EVERYONE = ['ghopper', 'aturing', STAYER];
export const PLATFORM = 'cn=platform team,ou=groups,dc=example,dc=com';

/** Thirty colleagues beside the three people the scenario watches. */
export function addColleagues(add: (given: string, surname: string, employeeId: string) => unknown): void {
  for (let i = 0; i < 30; i++) add('Test', `Person${String.fromCharCode(97 + (i % 26), 97 + Math.floor(i / 26))}`, `E${10 + i}`);
}

/** Waits for the daemon's first run to serve everyone, then gives each a password: all can bind, all are active in SCIM. */
export async function expectEveryoneServed(s: DirectorySite, scim: ScimServer): Promise<void> {
  await until(async () => ((await ldapsearch(s.ldapUrl, '(uid=aturing)', 'uid')).includes('uid: aturing') ? true : undefined), 30000, { retryOnError: true });
  for (const uid of EVERYONE) await setPassword(s.config, uid);
  for (const uid of EVERYONE) expect(await whoami(s.ldapUrl, uid)).toBe(0);
  await until(() => (EVERYONE.every((u) => scimUser(scim, u)?.active === true) ? true : undefined), 20000);
}

/** Grace's and Alan's binds are refused and their SCIM accounts disabled; Ada keeps both. */
export async function expectLeaversCutOff(s: DirectorySite, scim: ScimServer): Promise<void> {
  await until(async () => ((await whoami(s.ldapUrl, 'ghopper')) === 49 && (await whoami(s.ldapUrl, 'aturing')) === 49 ? true : undefined), 30000);
  await until(() => (scimUser(scim, 'ghopper')?.active === false && scimUser(scim, 'aturing')?.active === false ? true : undefined), 20000);
  expect(await whoami(s.ldapUrl, STAYER)).toBe(0);
  expect(scimUser(scim, STAYER).active).toBe(true);
}

/** Waits until Grace's memberOf holds (or no longer holds) the Platform Team group; while the first run is under way a refused search is retried. */
export function untilGraceInPlatform(s: DirectorySite, member: boolean): Promise<true> {
  return until(async () => ((await memberOf(s.ldapUrl, 'ghopper')).includes(PLATFORM) === member ? true : undefined), 30000, { retryOnError: member });
}

/** Stops the daemon and removes the Redis keys under its prefix. */
export async function stopSite(child: ChildProcess | undefined, prefix: string | undefined): Promise<void> {
  await stopChild(child);
  if (!prefix) return;
  const redis = new Redis();
  await deletePrefix(redis, prefix);
  redis.disconnect();
}
