// `idsync roles report` (the built CLI) over a real SQLite store after two sync runs, in the second
// of which a person moves from Engineering to Sales and so loses the engineering role.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { builtFromCurrentSources } from '../helpers/build';
import { workspace, type Person } from '../helpers/cli';
import { IDSYNC_BIN } from '../helpers/process';

function cli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [IDSYNC_BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const ROLES = [
  'roles:',
  `  - { name: engineering, description: Engineers, when: 'department == "Engineering"', groups: [eng] }`,
  `  - { name: sales, when: 'department == "Sales"', groups: [sales-team], include: [crm] }`,
  '  - { name: crm, groups: [crm-users] }',
  `  - { name: astronauts, when: 'title == "Astronaut"', groups: [space] }`,
  'groups:',
  '  - { name: all-staff, include: [eng, sales-team] }',
  '',
].join('\n');

const eve: Person = { id: 'E1', first: 'Eve', last: 'Engineer', department: 'Engineering' };
const sam: Person = { id: 'E2', first: 'Sam', last: 'Seller', department: 'Sales', title: 'Account Executive' };
const ian: Person = { id: 'E3', first: 'Ian', last: 'Inventor', department: 'Engineering' };

describe('idsync roles report', () => {
  beforeAll(() => {
    const { built, current } = builtFromCurrentSources(resolve(__dirname, '../..'));
    expect(built).toBe(current); // run `npm run build` first
  });

  it('reports members, grants and the role a person lost when their department changed', () => {
    const ws = workspace(ROLES);
    ws.writeCsv([eve, sam, ian]);
    expect(cli('sync', '--config', ws.config, '--once')).toMatchObject({ code: 0, stderr: '' });
    ws.writeCsv([{ ...eve, department: 'Sales' }, sam, ian]);
    expect(cli('sync', '--config', ws.config, '--once')).toMatchObject({ code: 0, stderr: '' });

    const json = cli('roles', 'report', '--config', ws.config, '--json');
    expect(json).toMatchObject({ code: 0, stderr: '' });
    const report = JSON.parse(json.stdout);
    const rule = (name: string) => report.rules.find((r: { name: string }) => r.name === name);
    const names = (list: { people: { username: string }[] }) => list.people.map((c) => c.username).sort();

    expect(report.window.days).toBe(90);
    expect(report.activePeople).toBe(3);
    expect(rule('engineering')).toMatchObject({
      kind: 'role',
      description: 'Engineers',
      condition: 'department == "Engineering"',
      grants: { groups: ['eng'], targets: {} },
      members: 1,
      gained: { count: 2 },
      lost: { count: 1, people: [{ username: 'eengineer', action: 'identity.update', entitlements: ['group:eng'] }] },
    });
    expect(names(rule('engineering').gained)).toEqual(['eengineer', 'iinventor']);
    expect(rule('sales')).toMatchObject({ members: 2, include: ['crm'], gained: { count: 2 }, lost: { count: 0 } });
    expect(rule('crm')).toMatchObject({ members: 2, condition: null, includedBy: ['sales'] });
    expect(rule('builtin:department')).toMatchObject({ kind: 'department-groups', members: 3, grants: { groups: ['engineering', 'sales'] } });
    expect(rule('builtin:department').lost.people).toMatchObject([{ username: 'eengineer', entitlements: ['group:engineering'] }]);
    expect(rule('all-staff')).toMatchObject({ kind: 'declared-group', members: 3, gained: null });
    expect(report.unmatched).toEqual(['astronauts']);

    const text = cli('roles', 'report', '--config', ws.config);
    expect(text).toMatchObject({ code: 0, stderr: '' });
    expect(text.stdout).toMatch(/^RULE +KIND +MEMBERS +GAINED +LOST +CONDITION$/m);
    expect(text.stdout).toMatch(/^engineering +role +1 +2 +1 +department == "Engineering"$/m);
    expect(text.stdout).toMatch(/^ {4}\S+ \S+ {2}eengineer {2}identity\.update {2}group:eng$/m);
    expect(text.stdout).toContain('Roles matching nobody: astronauts.');
  });

  it('refuses a window that is not a whole number of days with exit 2', () => {
    const ws = workspace(ROLES);
    const r = cli('roles', 'report', '--config', ws.config, '--days', 'ninety');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--days must be a whole number');
  });
});
