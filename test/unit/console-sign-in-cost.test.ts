// A console sign-in costs one password verify whoever is named: a person, someone the directory
// does not serve (the console gives them a DN nobody has), someone suspended, someone without a
// password, or a locked DN. Response time then does not tell which usernames exist.
import { ManualClock } from '../../src/ports/clock';
import { ldapSchema } from '../../src/config/sections/ldap';
import { Authenticator } from '../../src/ldap/auth/authenticator';
import { MemoryCredentialStore } from '../../src/storage/memory/credential-store';
import { buildSnapshot } from '../../src/ldap/view/snapshot';
import { person } from '../fixtures/ldap/people';

const BASE = 'dc=example,dc=com';

describe('console sign-in cost', () => {
  it('verifies one hash for a known, unknown, suspended, password-less or locked username alike', async () => {
    const clock = new ManualClock(new Date('2026-03-01T10:00:00Z'));
    const verifies: string[] = [];
    const hasher = { hash: async (p: string) => `h:${p}`, verify: async (h: string, p: string) => (verifies.push(h), h === `h:${p}`) };
    const credentials = new MemoryCredentialStore();
    const auth = new Authenticator(ldapSchema.parse({ baseDN: BASE, lockout: { maxFailures: 2 } }), credentials, hasher, clock);
    const snapshot = buildSnapshot([person('ann', 10001), person('sue', 10002, { state: 'suspended' }), person('pat', 10003), person('lou', 10004)], [], { baseDN: BASE, serviceAccounts: [] });
    for (const u of ['ann', 'sue', 'lou']) await credentials.setPasswordHash(u, `h:pw-${u}`, clock.now().toISOString());
    const attempt = (dn: string, address: string) => auth.verifyPerson({ dn, password: 'a guess', code: null, address, snapshot });
    for (let i = 0; i < 2; i++) await attempt(`uid=lou,ou=people,${BASE}`, '10.0.0.9');
    const tries: [string, string][] = [
      ['known, wrong password', `uid=ann,ou=people,${BASE}`],
      ['unknown (the DN the console gives them)', 'uid=zed,ou=nobody'],
      ['suspended', `uid=sue,ou=people,${BASE}`],
      ['no password set', `uid=pat,ou=people,${BASE}`],
      ['locked DN', `uid=lou,ou=people,${BASE}`],
    ];
    for (const [what, dn] of tries) {
      verifies.length = 0;
      const out = await attempt(dn, '10.0.0.1');
      expect({ what, ok: out.ok, verifies: verifies.length }).toEqual({ what, ok: false, verifies: 1 });
    }
  });
});
