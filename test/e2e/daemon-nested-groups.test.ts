// Nested groups end to end: role rules grant leaf groups, the `groups:` section nests them, and the
// daemon's LDAP frontend answers python3-ldap3's LDAP_MATCHING_RULE_IN_CHAIN searches through two
// levels, and ldapcompare on the parent group.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../helpers/slapd';
import { workspace } from '../helpers/cli';
import { IDSYNC_BIN as BIN, stopChild, until } from '../helpers/process';

const run = promisify(execFile);
const BASE = 'dc=example,dc=com';
const APP_DN = `cn=app,ou=services,${BASE}`;
const APP_PW = 'app-secret';
const IN_CHAIN = '1.2.840.113556.1.4.1941';
const group = (cn: string): string => `cn=${cn},ou=groups,${BASE}`;
const personDn = (uid: string): string => `uid=${uid},ou=people,${BASE}`;

async function ldap3(url: string, filters: string[]): Promise<Record<string, string[]>> {
  const script = resolve(__dirname, '../fixtures/ldap/ldap3-search.py');
  const { stdout } = await run('/usr/bin/python3', [script, url, APP_DN, APP_PW, BASE, ...filters]);
  return JSON.parse(stdout) as Record<string, string[]>;
}

describe('nested groups from the groups: section', () => {
  let child: ChildProcess;
  afterEach(() => stopChild(child));

  it('serves a person two levels down to IN_CHAIN searches in both directions', async () => {
    const port = await freePort();
    const url = `ldap://127.0.0.1:${port}`;
    const ws = workspace();
    appendFileSync(
      ws.config,
      [
        'ldap:',
        '  baseDN: dc=example,dc=com',
        `  listen: [ "${url}" ]`,
        '  serviceAccounts: [ { name: app, password: "${TEST_APP_PW}" } ]',
        'roles:',
        `  - { name: engineering, when: 'department == "Engineering"', groups: [eng] }`,
        `  - { name: platform, when: 'title.contains("Platform")', groups: [platform] }`,
        `  - { name: sales, when: 'department == "Sales"', groups: [sales] }`,
        'groups:',
        '  - { name: all-staff, description: Everyone in a team, include: [eng, sales] }',
        '  - { name: eng, include: [platform] }',
        '',
      ].join('\n'),
    );
    ws.writeCsv([
      // Pat is only in platform: platform -> eng -> all-staff
      { id: 'E1', first: 'Pat', last: 'Platform', department: 'Research', title: 'Platform Engineer' },
      { id: 'E2', first: 'Sam', last: 'Seller', department: 'Sales', title: 'Account Executive' },
      { id: 'E3', first: 'Eve', last: 'Engineer', department: 'Engineering', title: 'Engineer' },
    ]);
    child = spawn(process.execPath, [BIN, 'run', '--config', ws.config], { stdio: 'ignore', env: { ...process.env, TEST_APP_PW: APP_PW } });
    const pat = personDn('pplatform');
    const inChainOfAllStaff = `(memberOf:${IN_CHAIN}:=${group('all-staff')})`;
    const inChainOfEng = `(&(objectClass=posixAccount)(memberOf:${IN_CHAIN}:=${group('eng')}))`;
    const groupsOfPat = `(member:${IN_CHAIN}:=${pat})`;
    const directGroupsOfPat = `(member=${pat})`;
    const found = await until(async () => {
      const r = await ldap3(url, [inChainOfAllStaff, inChainOfEng, groupsOfPat, directGroupsOfPat]);
      return r[groupsOfPat].length > 0 ? r : undefined;
    }, 30000, { retryOnError: true });

    expect(found[inChainOfAllStaff]).toEqual(expect.arrayContaining([pat, personDn('sseller'), personDn('eengineer'), group('eng'), group('sales'), group('platform')]));
    expect(found[inChainOfEng].sort()).toEqual([personDn('eengineer'), pat].sort());
    // Pat's direct groups are platform (role), research (department) and staff; eng and all-staff
    // come only through the chain.
    expect(found[directGroupsOfPat]).not.toContain(group('eng'));
    expect(found[directGroupsOfPat]).not.toContain(group('all-staff'));
    expect(found[directGroupsOfPat]).toContain(group('platform'));
    expect(found[groupsOfPat]).toEqual(expect.arrayContaining([group('platform'), group('eng'), group('all-staff')]));
    expect(found[groupsOfPat]).not.toContain(group('sales'));

    const compare = (dn: string, ava: string) => run('ldapcompare', ['-x', '-H', url, '-D', APP_DN, '-w', APP_PW, dn, ava]).then(() => 0, (e: { code: number }) => e.code);
    expect(await compare(group('all-staff'), `member:${group('eng')}`)).toBe(6);
    expect(await compare(group('all-staff'), `member:${pat}`)).toBe(5);
  });
});
