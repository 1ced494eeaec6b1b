// Apache httpd + mod_authnz_ldap against the running frontend: the service account finds the user
// (search), the user's password is checked (bind), and `Require ldap-group` asks the group entry
// whether `member` holds the user's DN (Compare). A member gets 200, anyone else 401.
import { Readable, Writable } from 'node:stream';
import { passwordSetCommand } from '../../src/cli/commands/credentials';
import { MemoryCredentialStore } from '../../src/storage/memory/credential-store';
import type { Group } from '../../src/domain/types';
import { getWithBasicAuth, startApache, type Apache } from '../helpers/apache';
import { group, person } from '../fixtures/ldap/people';
import { APP_DN, APP_PW, BASE, startTestServer, type TestServer } from '../fixtures/ldap/server-fixture';

const PASSWORDS: Record<string, string> = { alice: 'alice-password-1', bob: 'bob-password-22', carol: 'carol-password-3' };
const people = [
  person('alice', 10001, { groups: ['eng'] }),
  person('bob', 10002, { groups: ['sales'] }),
  // carol is in a team group nested inside eng: a member of eng only through nesting
  person('carol', 10003, { groups: ['platform'] }),
];
const nested = (g: Group, memberGroups: string[]): Group => ({ ...g, memberGroups });
const groups = [nested(group('eng', 20001), ['platform']), group('sales', 20002), group('platform', 20003)];

let srv: TestServer;
let apache: Apache;

/** mod_authnz_ldap settings for `Require ldap-group <group>` with the given extra directives. */
function location(requireGroup: string, extra: string[] = []): string[] {
  const ldapUrl = `${srv.url}/ou=people,${BASE}?uid`;
  return [
    'AuthType Basic',
    'AuthName "idsync"',
    'AuthBasicProvider ldap',
    `AuthLDAPURL "${ldapUrl}"`,
    `AuthLDAPBindDN "${APP_DN}"`,
    `AuthLDAPBindPassword "${APP_PW}"`,
    ...extra,
    `Require ldap-group cn=${requireGroup},ou=groups,${BASE}`,
  ];
}

// Caches off: every request reaches the frontend, so a wrong answer cannot hide behind a cached one.
const SERVER = ['LDAPVerifyServerCert off', 'LDAPCacheEntries 0', 'LDAPOpCacheEntries 0'];

beforeAll(async () => {
  const credentials = new MemoryCredentialStore();
  const sink = new Writable({ write: (_c, _e, cb) => cb() });
  for (const [username, pw] of Object.entries(PASSWORDS)) {
    expect(await passwordSetCommand({ credentials, username, input: Readable.from([`${pw}\n`]), output: sink, errors: sink })).toBe(0);
  }
  srv = await startTestServer({ identities: people, groups, credentials });
});
afterAll(async () => srv.close());
afterEach(async () => apache?.stop());

describe('Apache mod_authnz_ldap with Require ldap-group', () => {
  it('lets a member in (200) and keeps a non-member (401) and a wrong password (401) out, with the default group attributes', async () => {
    apache = await startApache({ server: SERVER, protectedLocation: location('eng') });
    const page = `${apache.url}/protected/`;
    expect(await getWithBasicAuth(page, 'alice', PASSWORDS.alice)).toBe(200);
    expect(await getWithBasicAuth(page, 'bob', PASSWORDS.bob)).toBe(401);
    expect(await getWithBasicAuth(page, 'alice', 'wrong-password')).toBe(401);
    expect(await getWithBasicAuth(page, 'nobody', 'whatever-pw')).toBe(401);
    const compares = srv.logs.filter((l) => l.op === 'compare' && l.bindDN === APP_DN);
    expect(compares.some((l) => l.code === 6 && l.attribute === 'member')).toBe(true);
    expect(compares.some((l) => l.code === 5 && l.attribute === 'member')).toBe(true);
  });

  it('answers through an explicit `AuthLDAPGroupAttribute member` / `AuthLDAPGroupAttributeIsDN on`', async () => {
    apache = await startApache({
      server: SERVER,
      protectedLocation: location('sales', ['AuthLDAPGroupAttribute member', 'AuthLDAPGroupAttributeIsDN on']),
    });
    const page = `${apache.url}/protected/`;
    expect(await getWithBasicAuth(page, 'bob', PASSWORDS.bob)).toBe(200);
    expect(await getWithBasicAuth(page, 'alice', PASSWORDS.alice)).toBe(401);
  });

  it('finds a member of a nested group through its sub-group search (AuthLDAPMaxSubGroupDepth)', async () => {
    apache = await startApache({ server: SERVER, protectedLocation: location('eng', ['AuthLDAPMaxSubGroupDepth 2']) });
    const page = `${apache.url}/protected/`;
    expect(await getWithBasicAuth(page, 'carol', PASSWORDS.carol)).toBe(200);
    expect(await getWithBasicAuth(page, 'bob', PASSWORDS.bob)).toBe(401);
  });
});
