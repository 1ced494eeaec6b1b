// The verified-bind cache of service accounts over real sockets, with the real argon2id hasher
// counted: a repeated right password skips the verify, while wrong passwords, people, expired
// entries, locks and changed secrets all still go through (or are refused by) the full check.
import { ManualClock } from '../../src/ports/clock';
import { argon2Hasher, type PasswordHasher } from '../../src/ldap/auth/passwords';
import { VerifiedBindCache } from '../../src/ldap/auth/verified-binds';
import { MemoryCredentialStore } from '../../src/storage/memory/credential-store';
import { person } from '../fixtures/ldap/people';
import { APP_DN, APP_PW, BASE, startTestServer, type TestServer } from '../fixtures/ldap/server-fixture';
import { bindCode, setPassword } from '../helpers/ldap-bind';

const ERIN_DN = `uid=erin,ou=people,${BASE}`;

/** argon2Hasher, counting the verifies it is asked for. */
function countingHasher(): PasswordHasher & { verifies: number } {
  const h = {
    verifies: 0,
    hash: (pw: string) => argon2Hasher.hash(pw),
    verify: (hashed: string, pw: string) => {
      h.verifies++;
      return argon2Hasher.verify(hashed, pw);
    },
  };
  return h;
}

describe('service account verified-bind cache', () => {
  const clock = new ManualClock(new Date('2026-03-01T10:00:00Z'));
  const hasher = countingHasher();
  const credentials = new MemoryCredentialStore();
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer({
      identities: [person('erin', 10007)],
      credentials,
      clock,
      passwords: hasher,
      config: {
        serviceAccounts: [{ name: 'app', password: APP_PW }],
        bind: { serviceAccountCacheSeconds: 60 },
        lockout: { maxFailures: 5, lockMinutes: 30, maxFailuresPerAddressPerMinute: 1000 },
      },
    });
    await setPassword(credentials, 'erin', 'erin-password');
  });
  afterAll(async () => srv.close());

  /** verifies one bind costs, and its result code */
  async function bind(dn: string, pw: string): Promise<{ code: number; verifies: number }> {
    const before = hasher.verifies;
    const code = await bindCode(srv.url, dn, pw);
    return { code, verifies: hasher.verifies - before };
  }

  it('verifies a service account once, then answers the same password from the cache until it expires', async () => {
    expect(await bind(APP_DN, APP_PW)).toEqual({ code: 0, verifies: 1 });
    expect(await bind(APP_DN, APP_PW)).toEqual({ code: 0, verifies: 0 });
    clock.advance(59_000);
    expect(await bind(APP_DN, APP_PW)).toEqual({ code: 0, verifies: 0 });
    clock.advance(1_000);
    expect(await bind(APP_DN, APP_PW)).toEqual({ code: 0, verifies: 1 });
  });

  it('still refuses a wrong password, at the full cost of a verify, while the right one is cached', async () => {
    expect((await bind(APP_DN, APP_PW)).code).toBe(0);
    expect(await bind(APP_DN, `${APP_PW}x`)).toEqual({ code: 49, verifies: 1 });
    expect(await bind(APP_DN, APP_PW.slice(0, -1))).toEqual({ code: 49, verifies: 1 });
    expect(await bind(`cn=other,ou=services,${BASE}`, APP_PW)).toEqual({ code: 49, verifies: 1 });
  });

  it('never caches people', async () => {
    expect(await bind(ERIN_DN, 'erin-password')).toEqual({ code: 0, verifies: 1 });
    expect(await bind(ERIN_DN, 'erin-password')).toEqual({ code: 0, verifies: 1 });
  });

  it('refuses a cached password once the account is locked for this address', async () => {
    expect((await bind(APP_DN, APP_PW)).code).toBe(0);
    for (let i = 0; i < 5; i++) expect((await bind(APP_DN, `guess-${i}`)).code).toBe(49);
    expect((await bind(APP_DN, APP_PW)).code).toBe(49);
    expect(srv.logs[srv.logs.length - 1]).toMatchObject({ bindDN: APP_DN, reason: 'DN locked for this client address after repeated failures' });
    clock.advance(31 * 60_000);
    expect((await bind(APP_DN, APP_PW)).code).toBe(0);
  });
});

it('does not serve a changed secret from the cache: the new configuration answers only its own password', async () => {
  const hasher = countingHasher();
  const old = await startTestServer({ passwords: hasher, config: { serviceAccounts: [{ name: 'app', password: 'old-secret' }] } });
  try {
    expect(await bindCode(old.url, APP_DN, 'old-secret')).toBe(0);
    expect(await bindCode(old.url, APP_DN, 'old-secret')).toBe(0);
  } finally {
    await old.close();
  }
  const renewed = await startTestServer({ passwords: hasher, config: { serviceAccounts: [{ name: 'app', password: 'new-secret' }] } });
  try {
    const before = hasher.verifies;
    expect(await bindCode(renewed.url, APP_DN, 'old-secret')).toBe(49);
    expect(await bindCode(renewed.url, APP_DN, 'new-secret')).toBe(0);
    expect(hasher.verifies - before).toBe(2);
  } finally {
    await renewed.close();
  }
});

it('verifies every bind when the cache is turned off', async () => {
  const hasher = countingHasher();
  const srv = await startTestServer({ passwords: hasher, config: { bind: { serviceAccountCacheSeconds: 0 } } });
  try {
    for (let i = 0; i < 3; i++) expect(await bindCode(srv.url, APP_DN, APP_PW)).toBe(0);
    expect(hasher.verifies).toBe(3);
  } finally {
    await srv.close();
  }
});

describe('VerifiedBindCache', () => {
  it('matches only the DN, hash and password it was given', () => {
    const cache = new VerifiedBindCache(60_000, new ManualClock());
    cache.remember('cn=app', '$argon2id$old', 'pw');
    expect(cache.has('cn=app', '$argon2id$old', 'pw')).toBe(true);
    expect(cache.has('cn=app', '$argon2id$new', 'pw')).toBe(false);
    expect(cache.has('cn=app', '$argon2id$old', 'pw ')).toBe(false);
    expect(cache.has('cn=other', '$argon2id$old', 'pw')).toBe(false);
  });
});
