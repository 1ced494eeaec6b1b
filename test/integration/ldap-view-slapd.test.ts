// The generated LDIF loads into a real OpenLDAP, and slapd answers a set of filters with exactly the
// entries the view answers: a small differential test of matching rules and three-valued logic.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseFilterString } from '../../src/ldap/filter/compile';
import { buildSnapshot } from '../../src/ldap/view/snapshot';
import { generateDirectory, toLdif } from '../../scripts/lib/gen-directory';
import { startSlapd, type Slapd } from '../helpers/slapd';

const run = promisify(execFile);
const BASE = 'dc=example,dc=com';

describe('generated directory vs OpenLDAP slapd', () => {
  const data = generateDirectory(400, 30, 9);
  const snapshot = buildSnapshot(data.identities, data.groups, { baseDN: BASE, serviceAccounts: [] });
  let slapd: Slapd;

  beforeAll(async () => {
    slapd = await startSlapd({
      suffix: BASE,
      indexes: ['uid eq', 'cn eq,sub', 'mail eq', 'uidNumber eq', 'gidNumber eq', 'memberUid eq', 'member eq'],
    });
    const file = join(slapd.dir, 'directory.ldif');
    writeFileSync(file, toLdif(data, { baseDN: BASE }));
    await run('ldapadd', ['-x', '-H', slapd.url, '-D', slapd.rootDN, '-w', slapd.rootPassword, '-f', file]);
  });

  afterAll(async () => {
    await slapd?.stop();
  });

  async function slapdDns(filter: string): Promise<string[]> {
    const { stdout } = await run('ldapsearch', ['-x', '-LLL', '-o', 'ldif-wrap=no', '-H', slapd.url, '-b', BASE, filter, '1.1'], {
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout
      .split('\n')
      .filter((l) => l.startsWith('dn:'))
      .map((l) => (l.startsWith('dn:: ') ? Buffer.from(l.slice(5), 'base64').toString('utf8') : l.slice(4)).toLowerCase())
      .sort();
  }

  const viewDns = (filter: string): string[] =>
    [...snapshot.search({ base: BASE, scope: 'sub', filter: parseFilterString(filter) })!]
      .filter((e) => !e.dn.startsWith('cn=') || !e.dn.endsWith(`ou=services,${BASE}`)) // not in the LDIF
      .map((e) => e.dn.toLowerCase())
      .sort();

  const active = data.identities.filter((i) => i.state === 'active');
  const someone = active[7];
  const boss = data.identities.find((i) => active.some((a) => a.attributes.manager === i.employeeId) && i.state === 'active')!;
  const filters = [
    `(uid=${someone.username.toUpperCase()})`,
    `(mail=${someone.attributes.mail!.toUpperCase()})`,
    '(cn=*smith*)',
    '(sn=Mü*)',
    '(uidNumber>=10350)',
    '(&(uidNumber>=10100)(uidNumber<=10120))',
    '(&(objectClass=posixAccount)(gidNumber=5000))',
    '(gidNumber=20005)',
    `(memberUid=${someone.username})`,
    `(member=UID=${someone.username},OU=people,${BASE})`,
    `(manager=uid=${boss.username},ou=people,${BASE})`,
    '(objectClass=groupOfNames)',
    '(&(objectClass=inetOrgPerson)(!(uid=a*)))',
    '(|(sn=Smith)(sn=Jones))',
    '(employeeType=contractor)',
    '(departmentNumber=human resources)',
    '(shadowExpire=*)',
    '(title=Manager*)',
    '(fooBar=1)',
    '(!(fooBar=1))',
    '(&(objectClass=person)(!(fooBar=*)))',
    '(&(objectClass=person)(!(shadowExpire=*)))',
    '(uidNumber=abc)',
    '(ou=*)',
    '(objectClass=*)',
  ];

  it.each(filters)('%s', async (filter) => {
    const expected = await slapdDns(filter);
    expect(viewDns(filter)).toEqual(expected);
  });

  it('returned non-empty answers for most filters (the comparison is not vacuous)', async () => {
    const sizes = await Promise.all(filters.map((f) => slapdDns(f).then((d) => d.length)));
    expect(sizes.filter((n) => n > 0).length).toBeGreaterThanOrEqual(filters.length - 4);
  });
});
