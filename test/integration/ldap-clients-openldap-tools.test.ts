// The running frontend driven by real clients: OpenLDAP's ldapsearch/ldapwhoami (paging, StartTLS,
// LDAPS, ppolicy), python3-ldap3 and ldapts.
import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { connect as tlsConnect } from 'node:tls';
import { promisify } from 'node:util';
import { Client } from 'ldapts';
import { children, readEnvelope } from '../../src/ldap/server/ber-read';
import { group, person } from '../fixtures/ldap/people';
import { presentFilter, RawClient, search, simpleBind } from '../fixtures/ldap/raw-client';
import { APP_DN, APP_PW, BASE, startTestServer, type TestServer } from '../fixtures/ldap/server-fixture';
import { makeTestCerts, type TestCerts } from '../fixtures/ldap/tls-certs';

const run = promisify(execFile);
const PEOPLE = 1500;
let srv: TestServer;
let certs: TestCerts;
let ldapsUrl: string;

beforeAll(async () => {
  certs = makeTestCerts();
  const people = Array.from({ length: PEOPLE }, (_, i) => person(`user${String(i).padStart(4, '0')}`, 10000 + i));
  srv = await startTestServer({
    identities: people,
    groups: [group('engineering', 20000)],
    config: {
      listen: ['ldap://127.0.0.1:0', 'ldaps://127.0.0.1:0'],
      tls: { certFile: certs.certFile, keyFile: certs.keyFile },
      limits: { sizeLimit: 1200 },
    },
  });
  ldapsUrl = srv.handle.addresses()[1].url;
});
afterAll(async () => {
  await srv.close();
  rmSync(certs.dir, { recursive: true, force: true });
});

const tlsEnv = (): NodeJS.ProcessEnv => ({ ...process.env, LDAPTLS_CACERT: certs.caFile, LDAPTLS_REQCERT: 'demand' });

async function ldapsearch(args: string[], env = process.env): Promise<{ stdout: string; code: number }> {
  try {
    const { stdout } = await run('ldapsearch', ['-LLL', '-o', 'ldif-wrap=no', ...args], { env, maxBuffer: 64 * 1024 * 1024 });
    return { stdout, code: 0 };
  } catch (err) {
    const e = err as { stdout: string; code: number };
    return { stdout: e.stdout, code: e.code };
  }
}

const dns = (ldif: string): string[] => ldif.split('\n').filter((l) => l.startsWith('dn: ')).map((l) => l.slice(4));

describe('ldapsearch and ldapwhoami', () => {
  it('reads the rootDSE anonymously with what sssd looks for', async () => {
    const { stdout, code } = await ldapsearch(['-x', '-H', srv.url, '-b', '', '-s', 'base', '+', '*']);
    expect(code).toBe(0);
    expect(stdout).toContain(`namingContexts: ${BASE}`);
    expect(stdout).toContain('supportedLDAPVersion: 3');
    expect(stdout).toContain('supportedControl: 1.2.840.113556.1.4.319');
    expect(stdout).toContain('supportedExtension: 1.3.6.1.4.1.4203.1.11.3');
    expect(stdout).toContain('supportedExtension: 1.3.6.1.4.1.1466.20037');
    expect(stdout).toContain('subschemaSubentry: cn=Subschema');
    expect(stdout).toContain('vendorName: idsync');
  });

  it('reads the subschema entry', async () => {
    const { stdout } = await ldapsearch(['-x', '-H', srv.url, '-b', 'cn=Subschema', '-s', 'base', 'objectClasses', 'attributeTypes']);
    expect(stdout).toMatch(/objectClasses: \( .*NAME 'posixAccount'/);
    expect(stdout).toMatch(/attributeTypes: \( 0\.9\.2342\.19200300\.100\.1\.1 NAME /);
  });

  it('refuses anonymous reads of the tree by default', async () => {
    const { code } = await ldapsearch(['-x', '-H', srv.url, '-b', BASE, '(uid=user0001)']);
    expect(code).toBe(50);
  });

  it('pages through more than 1000 entries with -E pr=100/noprompt, beyond the server size limit', async () => {
    const { stdout, code } = await ldapsearch(['-x', '-H', srv.url, '-D', APP_DN, '-w', APP_PW, '-b', `ou=people,${BASE}`, '-E', 'pr=100/noprompt', '(objectClass=posixAccount)', 'uid']);
    expect(code).toBe(0);
    const found = dns(stdout);
    expect(found).toHaveLength(PEOPLE);
    expect(new Set(found).size).toBe(PEOPLE);
  });

  it('answers sizeLimitExceeded (4) after the entries, for the client limit and the server default', async () => {
    const client = await ldapsearch(['-x', '-H', srv.url, '-D', APP_DN, '-w', APP_PW, '-b', BASE, '-z', '7', '(objectClass=posixAccount)', 'uid']);
    expect(client.code).toBe(4);
    expect(dns(client.stdout)).toHaveLength(7);
    const server = await ldapsearch(['-x', '-H', srv.url, '-D', APP_DN, '-w', APP_PW, '-b', BASE, '(objectClass=posixAccount)', '1.1']);
    expect(server.code).toBe(4);
    expect(dns(server.stdout)).toHaveLength(1200);
  });

  it('upgrades with StartTLS (-ZZ) against a CA made by openssl, and binds over it', async () => {
    const { stdout, code } = await ldapsearch(['-x', '-ZZ', '-H', srv.url, '-D', APP_DN, '-w', APP_PW, '-b', BASE, '(uid=user0042)', 'uid'], tlsEnv());
    expect(code).toBe(0);
    expect(dns(stdout)).toEqual([`uid=user0042,ou=people,${BASE}`]);
    const who = await run('ldapwhoami', ['-x', '-ZZ', '-H', srv.url, '-D', APP_DN, '-w', APP_PW], { env: tlsEnv() });
    expect(who.stdout.trim()).toBe(`dn:${APP_DN}`);
  });

  it('serves LDAPS and binds with ldapwhoami, sending the ppolicy control as nslcd does', async () => {
    const who = await run('ldapwhoami', ['-x', '-H', ldapsUrl, '-D', APP_DN, '-w', APP_PW, '-e', 'ppolicy'], { env: tlsEnv() });
    expect(who.stdout).toContain(`dn:${APP_DN}`);
    const anon = await run('ldapwhoami', ['-x', '-H', ldapsUrl], { env: tlsEnv() });
    expect(anon.stdout.trim()).toBe('anonymous');
  });

  it('reloads certificate and key without a restart (what SIGHUP calls)', async () => {
    const serialOf = (): Promise<string> =>
      new Promise((resolve, reject) => {
        const s = tlsConnect({ host: '127.0.0.1', port: Number(new URL(ldapsUrl).port), ca: readFileSync(certs.caFile) }, () => {
          resolve(s.getPeerCertificate().serialNumber);
          s.destroy();
        });
        s.on('error', reject);
      });
    expect(await serialOf()).toBe('1001');
    certs.reissue('2002');
    await srv.handle.reloadTls();
    expect(await serialOf()).toBe('2002');
    const { code } = await ldapsearch(['-x', '-ZZ', '-H', srv.url, '-D', APP_DN, '-w', APP_PW, '-b', '', '-s', 'base'], tlsEnv());
    expect(code).toBe(0);
  });
});

describe('python3-ldap3', () => {
  it('binds, asks Who am I? and pages through every person', async () => {
    const { stdout } = await run('/usr/bin/python3', [require.resolve('../fixtures/ldap/ldap3-client.py'), srv.url, APP_DN, APP_PW, BASE]);
    const out = JSON.parse(stdout) as { whoami: string; count: number; first: string[]; naming: string[]; controls: string[] };
    expect(out.whoami).toBe(`dn:${APP_DN}`);
    expect(out.count).toBe(PEOPLE);
    expect(out.first).toEqual(['user0000', 'user0001']);
    expect(out.naming).toEqual([BASE]);
    expect(out.controls).toContain('1.2.840.113556.1.4.319');
  });
});

describe('ldapts', () => {
  it('runs two paged searches at once on one connection', async () => {
    const c = new Client({ url: srv.url });
    await c.bind(APP_DN, APP_PW);
    const [a, b] = await Promise.all([
      c.search(BASE, { filter: '(objectClass=posixAccount)', attributes: ['uid'], paged: { pageSize: 100 } }),
      c.search(BASE, { filter: '(uid=user1*)', attributes: ['uid'], paged: { pageSize: 30 } }),
    ]);
    expect(a.searchEntries).toHaveLength(PEOPLE);
    expect(b.searchEntries).toHaveLength(500);
    await c.unbind();
  });

  it('answers timeLimitExceeded (3) after the entries already sent when a slow reader runs out the client time limit', async () => {
    // 20,000 full entries are far more than the loopback socket buffers hold, so the server must wait
    // for this reader and notices the deadline while waiting.
    const big = await startTestServer({ identities: Array.from({ length: 20000 }, (_, i) => person(`bulk${i}`, 30000 + i)) });
    try {
      const c = await RawClient.open(big.url);
      c.send(simpleBind(1, APP_DN, APP_PW));
      await c.next();
      c.socket.pause();
      c.send(search(2, BASE, 2, presentFilter('objectClass'), ['*', '+'], { timeLimit: 1 }));
      await new Promise((r) => setTimeout(r, 1500));
      c.socket.resume();
      const all = await c.collect(0x65, 20000);
      const done = all[all.length - 1];
      expect(done.code).toBe(3);
      expect(all.length - 1).toBeGreaterThan(0);
      expect(all.length - 1).toBeLessThan(20000);
      c.close();
    } finally {
      await big.close();
    }
  });

  it('rejects a paged cookie replayed on another connection', async () => {
    const { integer, octets, tlv } = await import('../../src/ldap/server/ber-write');
    const paged = (size: number, cookie: Buffer): Buffer => tlv(0x30, [octets('1.2.840.113556.1.4.319'), octets(tlv(0x30, [integer(size), octets(cookie)]))]);
    const one = await RawClient.open(srv.url);
    one.send(simpleBind(1, APP_DN, APP_PW));
    await one.next();
    one.send(search(2, BASE, 2, presentFilter('objectClass'), ['1.1'], { controls: [paged(10, Buffer.alloc(0))] }));
    const page = await one.collect(0x65);
    expect(page).toHaveLength(11);
    const cookie = cookieOf(page[10].pdu);
    expect(cookie.length).toBeGreaterThan(0);
    const two = await RawClient.open(srv.url);
    two.send(simpleBind(1, APP_DN, APP_PW));
    await two.next();
    two.send(search(2, BASE, 2, presentFilter('objectClass'), ['1.1'], { controls: [paged(10, cookie)] }));
    expect((await two.collect(0x65)).pop()!.code).toBe(53);
    one.send(search(3, BASE, 2, presentFilter('objectClass'), ['1.1'], { controls: [paged(10, cookie)] }));
    const next = await one.collect(0x65);
    expect(next).toHaveLength(11);
    expect(next[10].code).toBe(0);
    one.close();
    two.close();
  });
});

/** The cookie inside the paged-results response control of a searchResultDone PDU. */
function cookieOf(pdu: Buffer): Buffer {
  const env = readEnvelope(pdu);
  const ctl = env.controls.find((c) => c.oid === '1.2.840.113556.1.4.319')!;
  const seq = children(ctl.value!, { tag: 0, at: 0, start: 0, end: ctl.value!.length })[0];
  const [, cookie] = children(ctl.value!, seq);
  return ctl.value!.subarray(cookie.start, cookie.end);
}
