// The same generated directory served by idsync and by OpenLDAP slapd: for each filter both must
// return the same DNs. slapd is the reference for LDAP matching semantics (caseIgnore, integer
// ordering, substrings, DN-valued equality, negation).
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'ldapts';
import { generateDirectory, toLdif } from '../../scripts/lib/gen-directory';
import { startSlapd, type Slapd } from '../helpers/slapd';
import { APP_DN, APP_PW, BASE, startTestServer, type TestServer } from '../fixtures/ldap/server-fixture';

const run = promisify(execFile);
const data = generateDirectory(2000, 120, 42);
let slapd: Slapd;
let srv: TestServer;
let idsync: Client;
let reference: Client;

beforeAll(async () => {
  slapd = await startSlapd({ suffix: BASE, indexes: ['uid eq,sub', 'cn eq,sub', 'mail eq', 'uidNumber eq', 'gidNumber eq', 'memberUid eq', 'member eq'] });
  const ldif = join(slapd.dir, 'data.ldif');
  writeFileSync(ldif, toLdif(data, { baseDN: BASE }));
  await run('ldapadd', ['-x', '-H', slapd.url, '-D', slapd.rootDN, '-w', slapd.rootPassword, '-f', ldif], { maxBuffer: 64 * 1024 * 1024 });
  srv = await startTestServer({ identities: data.identities, groups: data.groups });
  idsync = new Client({ url: srv.url });
  await idsync.bind(APP_DN, APP_PW);
  reference = new Client({ url: slapd.url });
  await reference.bind(slapd.rootDN, slapd.rootPassword);
}, 120_000);

afterAll(async () => {
  await idsync?.unbind();
  await reference?.unbind();
  await srv?.close();
  await slapd?.stop();
});

const visible = data.identities.filter((i) => i.state !== 'terminated');
const sample = visible[137];
const other = visible[1500];
const manager = visible.find((i) => i.attributes.manager)!;
const managerDn = (): string => {
  const m = visible.find((i) => i.employeeId === manager.attributes.manager);
  return m ? `uid=${m.username},ou=people,${BASE}` : `uid=nobody,ou=people,${BASE}`;
};

const PEOPLE = `ou=people,${BASE}`;
const GROUPS = `ou=groups,${BASE}`;

const cases: [string, string, 'sub' | 'one'][] = [
  [PEOPLE, `(uid=${sample.username})`, 'sub'],
  [PEOPLE, `(uid=${sample.username.toUpperCase()})`, 'sub'],
  [PEOPLE, `(mail=${String(sample.attributes.mail).toUpperCase()})`, 'sub'],
  [PEOPLE, `(cn=${sample.attributes.givenName} ${sample.attributes.sn})`, 'sub'],
  [PEOPLE, `(uidNumber=${other.uidNumber})`, 'sub'],
  [PEOPLE, `(uidNumber>=${other.uidNumber})`, 'sub'],
  [PEOPLE, '(uidNumber<=10150)', 'sub'],
  [PEOPLE, '(&(uidNumber>=10500)(uidNumber<=10620))', 'sub'],
  [PEOPLE, '(uid=a*)', 'sub'],
  [PEOPLE, '(cn=*son*)', 'sub'],
  [PEOPLE, '(sn=*ez)', 'sub'],
  [PEOPLE, '(givenName=J*n)', 'sub'],
  [PEOPLE, '(cn=m*r*l*)', 'sub'],
  [PEOPLE, '(objectClass=inetOrgPerson)', 'one'],
  [PEOPLE, '(objectClass=posixAccount)', 'sub'],
  [PEOPLE, '(title=*)', 'sub'],
  [PEOPLE, '(!(title=Engineer))', 'sub'],
  [PEOPLE, '(|(departmentNumber=Sales)(departmentNumber=legal))', 'sub'],
  [PEOPLE, '(&(objectClass=person)(!(departmentNumber=Engineering)))', 'sub'],
  [PEOPLE, '(employeeType=contractor)', 'sub'],
  [PEOPLE, '(manager=*)', 'sub'],
  [PEOPLE, `(manager=${managerDn().toUpperCase()})`, 'sub'],
  [PEOPLE, '(displayName=*ü*)', 'sub'],
  [PEOPLE, '(&(uid=*)(|(sn=Smith)(sn=JONES)))', 'sub'],
  [PEOPLE, '(!(uid=*))', 'sub'],
  [PEOPLE, `(gecos=${sample.attributes.givenName}*)`, 'sub'],
  [PEOPLE, '(|(uidNumber=10001)(uidNumber=10002)(uid=zz*))', 'sub'],
  [GROUPS, `(&(member=*)(memberUid=${sample.username}))`, 'sub'],
  [GROUPS, `(&(member=*)(member=UID=${sample.username},OU=People,${BASE}))`, 'sub'],
  [GROUPS, '(&(member=*)(cn=dept-*))', 'sub'],
  [GROUPS, '(&(member=*)(gidNumber>=20050))', 'sub'],
  [BASE, `(|(uid=${sample.username})(cn=staff))`, 'sub'],
];

async function dnsOf(client: Client, base: string, filter: string, scope: 'sub' | 'one'): Promise<string[]> {
  const { searchEntries } = await client.search(base, { filter, scope, attributes: ['1.1'], paged: { pageSize: 500 } });
  return searchEntries.map((e) => e.dn.toLowerCase().replace(/\s*,\s*/g, ',')).sort();
}

/** ldapcompare's exit status, which is the compare's result code. */
async function compareCode(url: string, bindDN: string, pw: string, dn: string, ava: string): Promise<number> {
  return run('ldapcompare', ['-x', '-H', url, '-D', bindDN, '-w', pw, dn, ava]).then(() => 0, (e: { code: number }) => e.code);
}

const noManager = visible.find((i) => !i.attributes.manager)!;
const sampleGroup = (sample.entitlements.find((e) => e.kind === 'group')?.name ?? 'staff');
const compareCases: [string, string][] = [
  [`uid=${sample.username},${PEOPLE}`, `uid:${sample.username.toUpperCase()}`],
  [`uid=${sample.username},${PEOPLE}`, `cn:  ${String(sample.attributes.givenName).toLowerCase()}   ${sample.attributes.sn}`],
  [`uid=${sample.username},${PEOPLE}`, `uidNumber:${sample.uidNumber}`],
  [`uid=${sample.username},${PEOPLE}`, `uidNumber:${sample.uidNumber + 1}`],
  [`uid=${sample.username},${PEOPLE}`, 'objectClass:posixAccount'],
  [`uid=${sample.username},${PEOPLE}`, 'favouriteColour:blue'],
  [`uid=${noManager.username},${PEOPLE}`, `manager:uid=${sample.username},${PEOPLE}`],
  [`cn=${sampleGroup},${GROUPS}`, `member:UID=${sample.username.toUpperCase()},OU=People,${BASE}`],
  [`cn=${sampleGroup},${GROUPS}`, `member:uid=nobody-at-all,${PEOPLE}`],
  [`cn=${sampleGroup},${GROUPS}`, `memberUid:${sample.username}`],
  [`cn=${sampleGroup},${GROUPS}`, `memberUid:${sample.username.toUpperCase()}`],
  [`uid=nobody-at-all,${PEOPLE}`, 'uid:nobody-at-all'],
];

describe('Compare answers like slapd', () => {
  it.each(compareCases)('compare %s %s', async (dn, ava) => {
    const [ours, theirs] = await Promise.all([compareCode(srv.url, APP_DN, APP_PW, dn, ava), compareCode(slapd.url, slapd.rootDN, slapd.rootPassword, dn, ava)]);
    expect(ours).toBe(theirs);
  });

  it('is not trivial: the reference answers true, false and errors', async () => {
    const codes = new Set<number>();
    for (const [dn, ava] of compareCases) codes.add(await compareCode(slapd.url, slapd.rootDN, slapd.rootPassword, dn, ava));
    expect([...codes].sort((a, b) => a - b)).toEqual(expect.arrayContaining([5, 6, 32]));
  });
});

describe('idsync answers like slapd', () => {
  it('loaded the same number of people into both', async () => {
    const a = await dnsOf(idsync, PEOPLE, '(objectClass=*)', 'one');
    const b = await dnsOf(reference, PEOPLE, '(objectClass=*)', 'one');
    expect(a.length).toBe(visible.length);
    expect(a).toEqual(b);
  });

  it.each(cases)('base %s filter %s (scope %s)', async (base, filter, scope) => {
    const [ours, theirs] = await Promise.all([dnsOf(idsync, base, filter, scope), dnsOf(reference, base, filter, scope)]);
    expect(ours).toEqual(theirs);
  });

  it('is not trivially empty: most filters match something', async () => {
    let nonEmpty = 0;
    for (const [base, filter, scope] of cases) if ((await dnsOf(reference, base, filter, scope)).length > 0) nonEmpty++;
    expect(nonEmpty).toBeGreaterThanOrEqual(cases.length - 3);
  });
});
