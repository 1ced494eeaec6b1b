// The Compare operation against the running frontend, driven by OpenLDAP's ldapcompare: results by
// the attribute's equality matching rule, the error codes, the same visibility as search, and
// malformed compare PDUs answered with protocolError on a connection that stays usable.
import { execFile } from 'node:child_process';
import { Readable, Writable } from 'node:stream';
import { promisify } from 'node:util';
import { passwordSetCommand } from '../../src/cli/commands/credentials';
import { octets, tlv } from '../../src/ldap/server/ber-write';
import { OID } from '../../src/ldap/server/root-dse';
import { MemoryCredentialStore } from '../../src/storage/memory/credential-store';
import { group, person } from '../fixtures/ldap/people';
import { extended, msg, RawClient, simpleBind } from '../fixtures/ldap/raw-client';
import { APP_DN, APP_PW, BASE, startTestServer, type TestServer } from '../fixtures/ldap/server-fixture';

const run = promisify(execFile);
const dnOf = (uid: string): string => `uid=${uid},ou=people,${BASE}`;
const groupDn = (cn: string): string => `cn=${cn},ou=groups,${BASE}`;
const ALICE_PW = 'alice-password-1';

/** ldapcompare's exit status is the LDAP result code (6 compareTrue, 5 compareFalse, 32, 17, ...). */
async function ldapcompare(url: string, dn: string, assertion: string, bind: [string, string] | null = [APP_DN, APP_PW]): Promise<{ code: number; out: string }> {
  const auth = bind ? ['-D', bind[0], '-w', bind[1]] : [];
  try {
    const { stdout, stderr } = await run('ldapcompare', ['-x', '-H', url, ...auth, dn, assertion]);
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

const people = [
  person('alice', 10001, { groups: ['eng'] }),
  person('bob', 10002, { groups: ['sales'] }),
];
const groups = [group('eng', 20001), group('sales', 20002)];
let srv: TestServer;
let open: TestServer;
const credentials = new MemoryCredentialStore();

beforeAll(async () => {
  const sink = new Writable({ write: (_c, _e, cb) => cb() });
  expect(await passwordSetCommand({ credentials, username: 'alice', input: Readable.from([`${ALICE_PW}\n`]), output: sink, errors: sink })).toBe(0);
  srv = await startTestServer({ identities: people, groups, credentials });
  open = await startTestServer({ identities: people, groups, config: { anonymous: 'read' } });
});
afterAll(async () => {
  await srv.close();
  await open.close();
});

describe('ldapcompare', () => {
  it('answers compareTrue (6) for a member of a group and compareFalse (5) for a non-member', async () => {
    const yes = await ldapcompare(srv.url, groupDn('eng'), `member:${dnOf('alice')}`);
    expect(yes).toMatchObject({ code: 6 });
    expect(yes.out).toContain('TRUE');
    const no = await ldapcompare(srv.url, groupDn('eng'), `member:${dnOf('bob')}`);
    expect(no).toMatchObject({ code: 5 });
    expect(no.out).toContain('FALSE');
  });

  it("matches by the attribute's equality rule: DN, caseIgnore, integer and caseExact", async () => {
    expect((await ldapcompare(srv.url, groupDn('eng'), `member:UID=Alice , OU=People,DC=Example,DC=Com`)).code).toBe(6);
    expect((await ldapcompare(srv.url, dnOf('alice'), 'uid:ALICE')).code).toBe(6);
    expect((await ldapcompare(srv.url, dnOf('alice'), 'cn:  alice   TESTER ')).code).toBe(6);
    expect((await ldapcompare(srv.url, dnOf('alice'), 'uidNumber:010001')).code).toBe(6);
    expect((await ldapcompare(srv.url, dnOf('alice'), 'memberOf:cn=Eng,ou=groups,dc=example,dc=com')).code).toBe(6);
    // RFC 2307 memberUid is caseExactIA5Match
    expect((await ldapcompare(srv.url, groupDn('eng'), 'memberUid:alice')).code).toBe(6);
    expect((await ldapcompare(srv.url, groupDn('eng'), 'memberUid:Alice')).code).toBe(5);
  });

  it('answers noSuchObject (32), undefinedAttributeType (17), noSuchAttribute (16) and invalidAttributeSyntax (21)', async () => {
    expect((await ldapcompare(srv.url, dnOf('nobody'), 'uid:nobody')).code).toBe(32);
    expect((await ldapcompare(srv.url, dnOf('alice'), 'favouriteColour:blue')).code).toBe(17);
    expect((await ldapcompare(srv.url, dnOf('alice'), 'manager:uid=bob,ou=people,dc=example,dc=com')).code).toBe(16);
    expect((await ldapcompare(srv.url, dnOf('alice'), 'uidNumber:ten')).code).toBe(21);
  });

  it('lets anonymous clients compare only what they may search: the rootDSE and subschema, nothing in the tree', async () => {
    expect((await ldapcompare(srv.url, '', 'objectClass:top', null)).code).toBe(6);
    expect((await ldapcompare(srv.url, 'cn=Subschema', 'objectClass:subschema', null)).code).toBe(6);
    // The same refusal a search gets, for an entry that exists and for one that does not: an
    // anonymous client learns nothing about the tree.
    const existing = await ldapcompare(srv.url, groupDn('eng'), `member:${dnOf('alice')}`, null);
    const missing = await ldapcompare(srv.url, groupDn('nope'), `member:${dnOf('alice')}`, null);
    expect(existing.code).toBe(50);
    expect(missing.code).toBe(50);
    const search = await run('ldapsearch', ['-x', '-H', srv.url, '-b', groupDn('eng'), '-s', 'base']).catch((e: { code: number }) => e);
    expect((search as { code: number }).code).toBe(50);
  });

  it('with `anonymous: read`, anonymous clients compare the tree as they search it', async () => {
    expect((await ldapcompare(open.url, groupDn('eng'), `member:${dnOf('alice')}`, null)).code).toBe(6);
    expect((await ldapcompare(open.url, groupDn('nope'), `member:${dnOf('alice')}`, null)).code).toBe(32);
  });

  it('a person bound with their own password compares like a service account; once suspended, like anonymous', async () => {
    expect((await ldapcompare(srv.url, groupDn('eng'), `member:${dnOf('alice')}`, [dnOf('alice'), ALICE_PW])).code).toBe(6);
    expect((await ldapcompare(srv.url, groupDn('sales'), `member:${dnOf('alice')}`, [dnOf('alice'), ALICE_PW])).code).toBe(5);
    const c = await RawClient.open(srv.url);
    c.send(simpleBind(1, dnOf('alice'), ALICE_PW));
    expect(await c.next()).toMatchObject({ code: 0 });
    const compare = (id: number): Buffer => msg(id, tlv(0x6e, [octets(groupDn('eng')), tlv(0x30, [octets('member'), octets(dnOf('alice'))])]));
    c.send(compare(2));
    expect(await c.next()).toMatchObject({ messageId: 2, opTag: 0x6f, code: 6 });
    srv.rebuild([person('alice', 10001, { groups: ['eng'], state: 'suspended' }), people[1]], groups);
    c.send(compare(3));
    expect(await c.next()).toMatchObject({ messageId: 3, opTag: 0x6f, code: 50 });
    c.close();
    srv.rebuild(people, groups);
  });
});

describe('malformed compare requests', () => {
  it('answer protocolError (2) on the compare response and keep the connection', async () => {
    const c = await RawClient.open(srv.url);
    c.send(simpleBind(1, APP_DN, APP_PW));
    expect(await c.next()).toMatchObject({ code: 0 });
    const dn = octets(groupDn('eng'));
    const bad = [
      tlv(0x6e, [dn]), // no assertion
      tlv(0x6e, []), // nothing at all
      tlv(0x6e, [dn, tlv(0x30, [octets('member')])]), // assertion without a value
      tlv(0x6e, [dn, tlv(0x30, [octets(''), octets('x')])]), // empty attribute description
      tlv(0x6e, [dn, tlv(0x31, [octets('member'), octets('x')])]), // a SET where the SEQUENCE belongs
      tlv(0x6e, [dn, tlv(0x30, [octets('member'), octets('x'), octets('y')])]), // one value too many
      tlv(0x6e, [octets('x', 0x02), tlv(0x30, [octets('member'), octets('x')])]), // entry is not an OCTET STRING
    ];
    bad.forEach((op, i) => c.send(msg(10 + i, op)));
    for (let i = 0; i < bad.length; i++) {
      const r = await c.next();
      expect(r).toMatchObject({ messageId: 10 + i, opTag: 0x6f, code: 2 });
      expect(r!.message).toMatch(/malformed compare request/);
    }
    c.send(extended(30, OID.whoAmI));
    expect(await c.next()).toMatchObject({ messageId: 30, code: 0, value: `dn:${APP_DN}` });
    c.close();
  });

  it('logs a compare with the entry and attribute cut short, never the asserted value', async () => {
    const c = await RawClient.open(srv.url);
    c.send(simpleBind(1, APP_DN, APP_PW));
    await c.next();
    const longAttr = 'a'.repeat(5000);
    c.send(msg(2, tlv(0x6e, [octets(groupDn('eng')), tlv(0x30, [octets(longAttr), octets('secret-value-xyz')])])));
    expect(await c.next()).toMatchObject({ messageId: 2, code: 17 });
    c.close();
    const line = srv.logs.find((l) => l.op === 'compare' && l.code === 17 && typeof l.attribute === 'string' && (l.attribute as string).startsWith('aaa'));
    expect(line).toBeDefined();
    expect((line!.attribute as string).length).toBeLessThan(300);
    expect(JSON.stringify(srv.logs)).not.toContain('secret-value-xyz');
  });
});
