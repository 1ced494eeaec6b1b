// The console's sign-in goes through the bind checker: the same password store and the same DN
// lockout as LDAP binds, with the TOTP code given on its own field instead of after the password.
import { ManualClock } from '../../src/ports/clock';
import { ldapSchema } from '../../src/config/sections/ldap';
import { Authenticator } from '../../src/ldap/auth/authenticator';
import { MemoryCredentialStore } from '../../src/storage/memory/credential-store';
import { newTotpSecret, timeStepAt, totpCode } from '../../src/ldap/auth/totp';
import { buildSnapshot } from '../../src/ldap/view/snapshot';
import type { DirectorySnapshot } from '../../src/ldap/contract';
import { person } from '../fixtures/ldap/people';

const BASE = 'dc=example,dc=com';
const dn = (u: string) => `uid=${u},ou=people,${BASE}`;
// a plain hasher: these tests are about the paths, not about argon2's cost
const hasher = { hash: async (p: string) => `h:${p}`, verify: async (h: string, p: string) => h === `h:${p}` };

describe('Authenticator.verifyPerson', () => {
  const clock = new ManualClock(new Date('2026-03-01T10:00:00Z'));
  const config = ldapSchema.parse({ baseDN: BASE, lockout: { maxFailures: 3 } });
  let credentials: MemoryCredentialStore;
  let auth: Authenticator;
  let snapshot: DirectorySnapshot;
  const secret = newTotpSecret();

  beforeEach(async () => {
    credentials = new MemoryCredentialStore();
    auth = new Authenticator(config, credentials, hasher, clock);
    snapshot = buildSnapshot([person('ann', 10001), person('sue', 10002, { state: 'suspended' })], [], { baseDN: BASE, serviceAccounts: [] });
    for (const u of ['ann', 'sue']) await credentials.setPasswordHash(u, `h:pw-${u}`, clock.now().toISOString());
    await credentials.setTotp('ann', { secret, lastTimeStep: 0, enrolledAt: clock.now().toISOString() });
  });

  const attempt = (u: string, password: string, code: string | null) => auth.verifyPerson({ dn: dn(u), password, code, address: '10.0.0.1', snapshot });

  it('checks the password, and the code once when one is given', async () => {
    const code = totpCode(secret, timeStepAt(clock.now()));
    expect(await attempt('ann', 'pw-ann', code)).toMatchObject({ ok: true, dn: dn('ann') });
    expect(await attempt('ann', 'pw-ann', code)).toMatchObject({ ok: false, reason: 'wrong, reused or unenrolled TOTP code' });
    expect(await attempt('ann', 'pw-ann', '')).toMatchObject({ ok: false });
    expect(await attempt('ann', 'wrong', null)).toMatchObject({ ok: false, reason: 'wrong password' });
    // three failures lock the DN (lockout.maxFailures: 3), the right password and all
    expect(await attempt('ann', 'pw-ann', null)).toMatchObject({ ok: false, reason: 'DN locked after repeated failures' });
    expect(await auth.totpEnrolled('ann')).toBe(true);
    expect(await auth.totpEnrolled('sue')).toBe(false);
  });

  it('refuses people who are not active, and people the directory does not serve', async () => {
    expect(await attempt('sue', 'pw-sue', null)).toMatchObject({ ok: false, reason: 'person is suspended' });
    expect(await attempt('zed', 'pw-zed', null)).toMatchObject({ ok: false, reason: 'no such person' });
  });

  it('asks for no code when the caller asks for none', async () => {
    expect(await attempt('ann', 'pw-ann', null)).toMatchObject({ ok: true });
  });

  it('shares the DN lockout with binds: console failures lock the LDAP bind too', async () => {
    for (let i = 0; i < 3; i++) await attempt('ann', `wrong ${i}`, null);
    expect(await attempt('ann', 'pw-ann', null)).toMatchObject({ ok: false, reason: 'DN locked after repeated failures' });
    expect(await auth.authenticate({ dn: dn('ann'), password: 'pw-ann', address: '10.0.0.2', snapshot })).toMatchObject({ ok: false, reason: 'DN locked after repeated failures' });
  });
});
