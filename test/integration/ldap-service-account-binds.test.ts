// Service accounts against the running frontend over real sockets: allowFrom (IPv4, IPv4-mapped
// IPv6 clients), and a lockout that a stranger cannot use to lock the application out.
import { ManualClock } from '../../src/ports/clock';
import { MemoryCredentialStore } from '../../src/storage/memory/credential-store';
import { person } from '../fixtures/ldap/people';
import { APP_DN, APP_PW, BASE, startTestServer, type TestServer } from '../fixtures/ldap/server-fixture';
import { bindCode, lanAddress, setPassword } from '../helpers/ldap-bind';

const LAN = lanAddress();
const OFFICE_DN = `cn=office,ou=services,${BASE}`;
const urlOn = (srv: TestServer, host: string): string => srv.handle.addresses().map((a) => a.url).find((u) => u.includes(host))!;

describe('service account allowFrom', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer({
      config: {
        listen: ['ldap://127.0.0.1:0', `ldap://${LAN}:0`, 'ldap://[::]:0'],
        allowCleartextBinds: true,
        serviceAccounts: [
          { name: 'app', password: APP_PW },
          { name: 'office', password: 'office-secret', allowFrom: [`${LAN}/32`, '2001:db8::/32'] },
          { name: 'loopback', password: 'loopback-secret', allowFrom: ['127.0.0.0/8'] },
        ],
      },
    });
  });
  afterAll(async () => srv.close());

  it('binds from a listed network and refuses the right password from elsewhere with 49, logged with the address', async () => {
    expect(await bindCode(urlOn(srv, LAN), OFFICE_DN, 'office-secret')).toBe(0);
    expect(await bindCode(urlOn(srv, '127.0.0.1'), OFFICE_DN, 'office-secret')).toBe(49);
    const refused = srv.logs.filter((l) => l.op === 'bind' && l.code === 49 && l.bindDN === OFFICE_DN);
    expect(refused[refused.length - 1]).toMatchObject({ client: '127.0.0.1', reason: 'service account bind from 127.0.0.1, outside its allowFrom' });
    expect(await bindCode(urlOn(srv, '127.0.0.1'), APP_DN, APP_PW)).toBe(0); // no allowFrom: any address
  });

  it('matches an IPv4 client on a dual-stack listener (::ffff:127.0.0.1) against IPv4 ranges', async () => {
    const port = new URL(urlOn(srv, '[::]')).port;
    expect(await bindCode(`ldap://127.0.0.1:${port}`, `cn=loopback,ou=services,${BASE}`, 'loopback-secret')).toBe(0);
    const ok = srv.logs.filter((l) => l.op === 'bind' && l.code === 0 && String(l.bindDN).startsWith('cn=loopback'));
    expect(ok[ok.length - 1]).toMatchObject({ client: '::ffff:127.0.0.1' });
    expect(await bindCode(`ldap://127.0.0.1:${port}`, OFFICE_DN, 'office-secret')).toBe(49);
  });

  it('refuses a config with an allowFrom entry that is not an address or range, naming it', async () => {
    await expect(startTestServer({ config: { serviceAccounts: [{ name: 'x', password: 'pw', allowFrom: ['10.0.0.0/33'] }] } })).rejects.toThrow(
      /serviceAccounts.*allowFrom.*CIDR range/s,
    );
  });
});

describe('service account lockout', () => {
  const clock = new ManualClock(new Date('2026-03-01T10:00:00Z'));
  const credentials = new MemoryCredentialStore();
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer({
      identities: [person('erin', 10007)],
      credentials,
      clock,
      config: {
        listen: ['ldap://127.0.0.1:0', `ldap://${LAN}:0`],
        allowCleartextBinds: true,
        serviceAccounts: [
          { name: 'app', password: APP_PW },
          { name: 'office', password: 'office-secret', allowFrom: [`${LAN}/32`, '127.0.0.1'] },
        ],
        lockout: { maxFailures: 10, lockMinutes: 30, maxFailuresPerAddressPerMinute: 1000 },
      },
    });
    await setPassword(credentials, 'erin', 'erin-password');
  });
  afterAll(async () => srv.close());

  it('ten wrong binds from a stranger lock the stranger out of the service account, not the application', async () => {
    const stranger = urlOn(srv, LAN);
    for (let i = 0; i < 12; i++) expect(await bindCode(stranger, APP_DN, `guess-${i}`)).toBe(49);
    expect(await bindCode(stranger, APP_DN, APP_PW)).toBe(49);
    expect(srv.logs[srv.logs.length - 1]).toMatchObject({ bindDN: APP_DN, client: LAN, reason: 'DN locked for this client address after repeated failures' });
    expect(await bindCode(urlOn(srv, '127.0.0.1'), APP_DN, APP_PW)).toBe(0);
    clock.advance(31 * 60_000);
    expect(await bindCode(stranger, APP_DN, APP_PW)).toBe(0);
  });

  it('never locks a service account that has allowFrom', async () => {
    for (let i = 0; i < 15; i++) expect(await bindCode(urlOn(srv, LAN), OFFICE_DN, `guess-${i}`)).toBe(49);
    expect(await bindCode(urlOn(srv, LAN), OFFICE_DN, 'office-secret')).toBe(0);
    expect(await bindCode(urlOn(srv, '127.0.0.1'), OFFICE_DN, 'office-secret')).toBe(0);
  });

  it('keeps locking people per DN, whatever address the failures came from', async () => {
    for (let i = 0; i < 10; i++) expect(await bindCode(urlOn(srv, LAN), `uid=erin,ou=people,${BASE}`, `guess-${i}`)).toBe(49);
    expect(await bindCode(urlOn(srv, '127.0.0.1'), `uid=erin,ou=people,${BASE}`, 'erin-password')).toBe(49);
    expect(srv.logs[srv.logs.length - 1]).toMatchObject({ client: '127.0.0.1', reason: 'DN locked after repeated failures' });
  });
});

it('still throttles an address whose failures hit a service account with allowFrom', async () => {
  const clock = new ManualClock(new Date('2026-03-01T10:00:00Z'));
  const srv = await startTestServer({
    clock,
    config: {
      listen: ['ldap://127.0.0.1:0', `ldap://${LAN}:0`],
      allowCleartextBinds: true,
      serviceAccounts: [{ name: 'office', password: 'office-secret', allowFrom: [`${LAN}/32`, '127.0.0.1'] }],
      lockout: { maxFailuresPerAddressPerMinute: 5 },
    },
  });
  try {
    for (let i = 0; i < 5; i++) expect(await bindCode(urlOn(srv, LAN), OFFICE_DN, `guess-${i}`)).toBe(49);
    expect(await bindCode(urlOn(srv, LAN), OFFICE_DN, 'office-secret')).toBe(49);
    expect(srv.logs[srv.logs.length - 1]).toMatchObject({ reason: 'client address throttled after repeated failures' });
    expect(await bindCode(urlOn(srv, '127.0.0.1'), OFFICE_DN, 'office-secret')).toBe(0);
    clock.advance(61_000);
    expect(await bindCode(urlOn(srv, LAN), OFFICE_DN, 'office-secret')).toBe(0);
  } finally {
    await srv.close();
  }
});
