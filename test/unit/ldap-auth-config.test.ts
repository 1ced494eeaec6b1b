// The ldap config section: safe defaults, and every mistake reported with its path.
import { ldapSchema } from '../../src/config/sections/ldap';

const issues = (input: unknown): string[] => {
  const r = ldapSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('ldap config section', () => {
  it('needs only baseDN and gives hardened defaults', () => {
    const c = ldapSchema.parse({ baseDN: 'dc=example,dc=com' });
    expect(c.listen).toEqual(['ldap://127.0.0.1:1389']);
    expect(c.allowCleartextBinds).toBe(false);
    expect(c.anonymous).toBe('rootdse');
    expect(c.limits).toMatchObject({ maxPduBytesAnonymous: 262144, maxPduBytesBound: 16777216, maxBerDepth: 64, filterMaxDepth: 40 });
    expect(c.lockout).toEqual({ maxFailures: 10, lockMinutes: 30, maxFailuresPerAddressPerMinute: 30 });
    expect(c.bind.mode).toBe('local');
    expect(c.mfa).toMatchObject({ groups: [], separator: ',' });
  });

  it('accepts IPv4, IPv6 and host names in listen URLs and rejects other schemes', () => {
    for (const u of ['ldap://127.0.0.1:389', 'ldaps://[::1]:636', 'ldap://host.example:0']) {
      expect(issues({ baseDN: 'dc=x', listen: [u], tls: { cert: 'c', key: 'k' } })).toEqual([]);
    }
    expect(issues({ baseDN: 'dc=x', listen: ['http://x:1'] })[0]).toMatch(/^listen\.0: use ldap:\/\/host:port/);
  });

  it('reports each mistake with its path', () => {
    expect(issues({ baseDN: 'dc=x', listen: ['ldaps://0.0.0.0:636'] })).toEqual(['tls: an ldaps:// listener needs tls.cert(File) and tls.key(File)']);
    expect(issues({ baseDN: 'dc=x', serviceAccounts: [{ name: 'app' }] })).toEqual(['serviceAccounts.0: give exactly one of password, passwordFile or passwordHash']);
    expect(issues({ baseDN: 'dc=x', serviceAccounts: [{ name: 'app', passwordHash: '$2y$10$abc' }] })[0]).toMatch(/^serviceAccounts\.0\.passwordHash: passwordHash must be an argon2id/);
    expect(issues({ baseDN: 'dc=x', bind: { mode: 'delegate' } })).toEqual(['bind: bind.mode delegate needs bind.upstreamUrl']);
  });
});
