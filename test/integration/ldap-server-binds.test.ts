// Binds against the running frontend: service accounts, local argon2id passwords set through the
// CLI command, TOTP, lockout and throttling, lifecycle states, cleartext refusal, and delegation
// to a real upstream slapd.
import { networkInterfaces } from 'node:os';
import { Readable, Writable } from 'node:stream';
import { Client } from 'ldapts';
import { ManualClock } from '../../src/ports/clock';
import { mfaEnrollCommand, passwordSetCommand } from '../../src/cli/commands/credentials';
import { argon2Hasher } from '../../src/ldap/auth/passwords';
import { timeStepAt, totpCode } from '../../src/ldap/auth/totp';
import { MemoryCredentialStore } from '../../src/storage/memory/credential-store';
import { startSlapd, type Slapd } from '../helpers/slapd';
import { group, person } from '../fixtures/ldap/people';
import { APP_DN, APP_PW, BASE, startTestServer, type TestServer } from '../fixtures/ldap/server-fixture';

const dnOf = (u: string): string => `uid=${u},ou=people,${BASE}`;

function sink(): Writable & { text: string } {
  const w = new Writable({ write(c, _e, cb) { w.text += String(c); cb(); } }) as Writable & { text: string };
  w.text = '';
  return w;
}

/** Result code of a simple bind (0 on success). */
async function bindCode(url: string, dn: string, pw: string): Promise<number> {
  const c = new Client({ url, timeout: 5000 });
  try {
    await c.bind(dn, pw);
    return 0;
  } catch (err) {
    const code = (err as { code?: number }).code;
    if (typeof code !== 'number') throw err;
    return code;
  } finally {
    await c.unbind().catch(() => undefined);
  }
}

async function setPassword(credentials: MemoryCredentialStore, username: string, pw: string): Promise<void> {
  const out = sink();
  const code = await passwordSetCommand({ credentials, username, input: Readable.from([`${pw}\n`]), output: out, errors: sink() });
  expect(code).toBe(0);
  expect(out.text).toContain(`password set for ${username}`);
}

describe('binds', () => {
  const clock = new ManualClock(new Date('2026-03-01T10:00:00Z'));
  const credentials = new MemoryCredentialStore();
  const people = [
    person('alice', 10001),
    person('bob', 10002),
    person('carol', 10003, { groups: ['engineering', 'admins'] }),
    person('sam', 10004, { state: 'suspended' }),
    person('pete', 10005, { state: 'prehire' }),
    person('dave', 10006),
    person('erin', 10007),
  ];
  const groups = [group('engineering', 20000), group('admins', 20001)];
  let srv: TestServer;
  let hashedSvc: string;

  beforeAll(async () => {
    hashedSvc = await argon2Hasher.hash('jenkins-pw-123');
    srv = await startTestServer({
      identities: people,
      groups,
      credentials,
      clock,
      config: {
        serviceAccounts: [{ name: 'app', password: APP_PW }, { name: 'jenkins', passwordHash: hashedSvc }],
        mfa: { groups: ['admins'] },
        lockout: { maxFailures: 10, lockMinutes: 30, maxFailuresPerAddressPerMinute: 1000 },
      },
    });
    for (const u of ['alice', 'bob', 'carol', 'sam', 'pete', 'dave', 'erin']) await setPassword(credentials, u, `${u}-password`);
  });
  afterAll(async () => srv.close());

  it('binds service accounts by plain password and by argon2id hash', async () => {
    expect(await bindCode(srv.url, APP_DN, APP_PW)).toBe(0);
    expect(await bindCode(srv.url, APP_DN, 'nope')).toBe(49);
    expect(await bindCode(srv.url, `cn=jenkins,ou=services,${BASE}`, 'jenkins-pw-123')).toBe(0);
    expect(await bindCode(srv.url, `CN=Jenkins, OU=Services, DC=Example, DC=Com`, 'jenkins-pw-123')).toBe(0);
  });

  it('binds a person with the password set by `password set`, case-insensitively on the DN', async () => {
    expect(await bindCode(srv.url, dnOf('alice'), 'alice-password')).toBe(0);
    expect(await bindCode(srv.url, `UID=Alice,OU=People,DC=example,DC=com`, 'alice-password')).toBe(0);
  });

  it('answers a wrong password and an unknown DN with the same 49 and message', async () => {
    const answers: string[] = [];
    for (const dn of [dnOf('bob'), dnOf('nobody'), `cn=ghost,ou=services,${BASE}`]) {
      const c = new Client({ url: srv.url });
      await expect(c.bind(dn, 'wrong-password')).rejects.toMatchObject({ code: 49 });
      answers.push(await c.bind(dn, 'wrong-password').then(() => 'bound', (e: Error) => e.message));
      await c.unbind();
    }
    expect(new Set(answers).size).toBe(1);
  });

  it('refuses a DN with an empty password with unwillingToPerform (53), never as anonymous success', async () => {
    expect(await bindCode(srv.url, dnOf('alice'), '')).toBe(53);
  });

  it('refuses suspended, prehire and unknown people even with the right password', async () => {
    expect(await bindCode(srv.url, dnOf('sam'), 'sam-password')).toBe(49);
    expect(await bindCode(srv.url, dnOf('pete'), 'pete-password')).toBe(49);
    const log = srv.logs.filter((l) => l.op === 'bind' && String(l.bindDN).includes('uid=sam'));
    expect(log[log.length - 1]).toMatchObject({ code: 49, reason: 'person is suspended' });
  });

  it('drops the session of someone suspended while bound, at the next snapshot swap', async () => {
    const c = new Client({ url: srv.url });
    await c.bind(dnOf('dave'), 'dave-password');
    expect((await c.search(BASE, { filter: '(uid=alice)' })).searchEntries).toHaveLength(1);
    srv.rebuild(people.map((p) => (p.username === 'dave' ? { ...p, state: 'suspended' as const } : p)), groups);
    await expect(c.search(BASE, { filter: '(uid=alice)' })).rejects.toMatchObject({ code: 50 });
    await c.unbind();
    expect(await bindCode(srv.url, dnOf('dave'), 'dave-password')).toBe(49);
    srv.rebuild(people, groups);
    expect(await bindCode(srv.url, dnOf('dave'), 'dave-password')).toBe(0);
  });

  it('requires a TOTP code for people in an MFA group, and accepts each code once', async () => {
    const out = sink();
    expect(await mfaEnrollCommand({ credentials, username: 'carol', output: out, errors: sink(), clock })).toBe(0);
    expect(out.text).toMatch(/^otpauth:\/\/totp\/idsync%3Acarol\?secret=[A-Z2-7]+/);
    const secret = (await credentials.getTotp('carol'))!.secret;
    expect(await bindCode(srv.url, dnOf('carol'), 'carol-password')).toBe(49);
    const code = totpCode(secret, timeStepAt(clock.now()));
    expect(await bindCode(srv.url, dnOf('carol'), `carol-password,${code}`)).toBe(0);
    expect(await bindCode(srv.url, dnOf('carol'), `carol-password,${code}`)).toBe(49); // replay
    expect(await bindCode(srv.url, dnOf('carol'), `wrong-password,${totpCode(secret, timeStepAt(clock.now()) + 1)}`)).toBe(49);
    clock.advance(60_000);
    expect(await bindCode(srv.url, dnOf('carol'), `carol-password,${totpCode(secret, timeStepAt(clock.now()))}`)).toBe(0);
  });

  it('locks a DN for 30 minutes after 10 failures, then lets it in again', async () => {
    for (let i = 0; i < 10; i++) expect(await bindCode(srv.url, dnOf('erin'), `guess-${i}`)).toBe(49);
    expect(await bindCode(srv.url, dnOf('erin'), 'erin-password')).toBe(49);
    expect(srv.logs.filter((l) => l.reason === 'DN locked after repeated failures').length).toBeGreaterThan(0);
    clock.advance(29 * 60_000);
    expect(await bindCode(srv.url, dnOf('erin'), 'erin-password')).toBe(49);
    clock.advance(2 * 60_000);
    expect(await bindCode(srv.url, dnOf('erin'), 'erin-password')).toBe(0);
  });

  it('logs every bind with request id, connection, client address, bind DN, code and duration', () => {
    const b = srv.logs.find((l) => l.op === 'bind' && l.code === 0 && String(l.bindDN).startsWith('uid=alice'));
    expect(b).toMatchObject({ conn: expect.any(String), client: '127.0.0.1', req: expect.any(Number), ms: expect.any(Number) });
  });
});

describe('per-address throttling', () => {
  it('refuses binds from an address after too many failures in a minute, across DNs', async () => {
    const clock = new ManualClock(new Date('2026-03-01T10:00:00Z'));
    const credentials = new MemoryCredentialStore();
    const srv = await startTestServer({ identities: [person('alice', 10001)], credentials, clock, config: { lockout: { maxFailuresPerAddressPerMinute: 5 } } });
    try {
      await setPassword(credentials, 'alice', 'alice-password');
      for (let i = 0; i < 5; i++) expect(await bindCode(srv.url, dnOf(`spray${i}`), 'Winter2026!')).toBe(49);
      expect(await bindCode(srv.url, dnOf('alice'), 'alice-password')).toBe(49);
      clock.advance(61_000);
      expect(await bindCode(srv.url, dnOf('alice'), 'alice-password')).toBe(0);
    } finally {
      await srv.close();
    }
  });
});

describe('cleartext binds from other hosts', () => {
  const lanAddress = Object.values(networkInterfaces() as Record<string, { family: string; internal: boolean; address: string }[]>)
    .flat()
    .find((a) => a.family === 'IPv4' && !a.internal)?.address;

  it('has a non-loopback IPv4 address to test from', () => {
    expect(lanAddress).toBeDefined();
  });

  it('answers confidentialityRequired (13) on a cleartext non-loopback connection unless allowed', async () => {
    for (const allow of [false, true]) {
      const srv = await startTestServer({ config: { listen: [`ldap://${lanAddress}:0`], allowCleartextBinds: allow } });
      try {
        expect(await bindCode(srv.url, APP_DN, APP_PW)).toBe(allow ? 0 : 13);
        expect(await bindCode(srv.url, '', '')).toBe(0); // anonymous is not a credential
      } finally {
        await srv.close();
      }
    }
  });
});

describe('delegated binds', () => {
  let slapd: Slapd;
  beforeAll(async () => {
    slapd = await startSlapd({ suffix: 'dc=corp,dc=com' });
    const admin = new Client({ url: slapd.url });
    await admin.bind(slapd.rootDN, slapd.rootPassword);
    await admin.add('dc=corp,dc=com', { objectClass: ['top', 'dcObject', 'organization'], dc: 'corp', o: 'corp' });
    await admin.add('ou=people,dc=corp,dc=com', { objectClass: ['organizationalUnit'], ou: 'people' });
    await admin.add('uid=alice,ou=people,dc=corp,dc=com', { objectClass: ['inetOrgPerson'], uid: 'alice', cn: 'Alice', sn: 'A', userPassword: 'upstream-pw' });
    await admin.unbind();
  });
  afterAll(async () => slapd.stop());

  it('checks people against the upstream directory; unreachable upstream answers unavailable (52)', async () => {
    const srv = await startTestServer({
      identities: [person('alice', 10001), person('bob', 10002)],
      config: { bind: { mode: 'delegate', upstreamUrl: slapd.url, upstreamBindDN: 'uid={username},ou=people,dc=corp,dc=com' } },
    });
    try {
      expect(await bindCode(srv.url, dnOf('alice'), 'upstream-pw')).toBe(0);
      expect(await bindCode(srv.url, dnOf('alice'), 'wrong')).toBe(49);
      expect(await bindCode(srv.url, dnOf('bob'), 'upstream-pw')).toBe(49); // not upstream
    } finally {
      await srv.close();
    }
    const down = await startTestServer({
      identities: [person('alice', 10001)],
      config: { bind: { mode: 'delegate', upstreamUrl: 'ldap://127.0.0.1:9', upstreamTimeoutMs: 1000 } },
    });
    try {
      expect(await bindCode(down.url, dnOf('alice'), 'upstream-pw')).toBe(52);
    } finally {
      await down.close();
    }
  });
});
