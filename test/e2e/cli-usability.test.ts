// What a new user meets on the command line: every answer is true, and every failure is one sentence
// with exit 1 (2 only for wrong usage).
import { spawn } from 'node:child_process';
import { idsync, workspace, type Person } from '../helpers/cli';
import { IDSYNC_BIN } from '../helpers/process';

const people: Person[] = [
  { id: 'E1', first: 'Ada', last: 'Lovelace', department: 'Engineering' },
  { id: 'E2', first: 'Bob', last: 'Ray', department: 'Sales' },
];

/** The built CLI with `input` on stdin (password set reads it there). */
function idsyncWithStdin(input: string, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [IDSYNC_BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

const LDAP = 'ldap:\n  baseDN: dc=example,dc=com\n  listen: [ "ldap://127.0.0.1:0" ]\n  mfa: { groups: [admins] }\n';

describe('idsync sync and runs', () => {
  it('sync --once --dry-run says it is a dry run and shows no run id', async () => {
    const ws = workspace();
    ws.writeCsv(people);
    const r = await idsync('sync', '--config', ws.config, '--once', '--dry-run');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^hr: dry run, nothing applied/m);
    expect(r.stdout).not.toMatch(/\brun [0-9a-f-]{8,}/);
    expect(r.stdout).not.toMatch(/: run \S+ applied/);
  });

  it('runs list --held with no held runs says so', async () => {
    const ws = workspace();
    ws.writeCsv(people);
    expect((await idsync('sync', '--config', ws.config, '--once')).code).toBe(0);
    const r = await idsync('runs', 'list', '--config', ws.config, '--held');
    expect(r).toMatchObject({ code: 0, stdout: 'no held runs.\n' });
  });

  it('a missing HR file is one human sentence on stderr, no JSON log line', async () => {
    const ws = workspace();
    // the built CLI: the operational log writes to the process's own stderr
    const r = await idsyncWithStdin('', 'sync', '--config', ws.config, '--once');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/hr: run \S+ failed .*does not exist or cannot be read/);
    expect(r.stderr).toBe('idsync: 1 source run(s) did not complete; access was not removed from anyone.\n');
  });
});

describe('idsync resync without a daemon', () => {
  const target = 'targets:\n  - { name: wiki, kind: fake }\n';

  it('exits 1 with one sentence when no admin API is configured, and names a person nobody matches', async () => {
    const ws = workspace(target);
    ws.writeCsv(people);
    expect((await idsync('sync', '--config', ws.config, '--once')).code).toBe(0);
    const r = await idsync('resync', '--config', ws.config, '--user', 'alovelace');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^idsync: no admin API is configured .*--dry-run works without it\.\n$/);
    const nobody = await idsync('resync', '--config', ws.config, '--user', 'nobody');
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toBe('idsync: no identity with username, employee id or mail "nobody"; nothing was done.\n');
  });

  it('exits 1 with one sentence when the daemon is not running', async () => {
    const ws = workspace(`${target}admin: { listen: "tcp://127.0.0.1:9", token: "0123456789abcdef0123" }\n`);
    ws.writeCsv(people);
    expect((await idsync('sync', '--config', ws.config, '--once')).code).toBe(0);
    const r = await idsync('resync', '--config', ws.config, '--user', 'alovelace');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^idsync: the idsync daemon is not running .*--dry-run/);
    const nobody = await idsync('resync', '--config', ws.config, '--user', 'nobody');
    expect(nobody).toMatchObject({ code: 1, stderr: 'idsync: no identity with username, employee id or mail "nobody"; nothing was done.\n' });
  });

  it('--dry-run plans with the rules the daemon applies (department groups included)', async () => {
    const ws = workspace(target);
    ws.writeCsv(people);
    expect((await idsync('sync', '--config', ws.config, '--once')).code).toBe(0);
    ws.writeCsv([{ ...people[0], title: 'Principal Engineer' }, people[1]]);
    const r = await idsync('resync', '--config', ws.config, '--user', 'alovelace', '--dry-run', '--json');
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    // only the title: planning without the daemon's department-groups rule would also take the
    // department group away ("~ alovelace -group engineering")
    expect(plan.sources).toEqual([{ source: 'hr', status: '~ alovelace title: Engineer -> Principal Engineer' }]);
  });
});

describe('idsync password set and mfa enroll', () => {
  it('password set warns for a terminated person and still stores the password', async () => {
    const ws = workspace(LDAP);
    ws.writeCsv([...people, { id: 'E3', first: 'Cy', last: 'Gone', status: 'terminated' }]);
    expect((await idsync('sync', '--config', ws.config, '--once')).code).toBe(0);
    const active = await idsyncWithStdin('long enough password\n', 'password', 'set', '--config', ws.config, '--user', 'alovelace');
    expect(active).toMatchObject({ code: 0, stdout: 'password set for alovelace\n', stderr: '' });
    const gone = await idsyncWithStdin('long enough password\n', 'password', 'set', '--config', ws.config, '--user', 'cgone');
    expect(gone.code).toBe(0);
    expect(gone.stderr).toMatch(/^warning: cgone is terminated; .*cannot be used to bind/);
  });

  it('mfa enroll warns when the person is outside ldap.mfa.groups', async () => {
    const ws = workspace(LDAP);
    ws.writeCsv(people);
    expect((await idsync('sync', '--config', ws.config, '--once')).code).toBe(0);
    const r = await idsync('mfa', 'enroll', '--config', ws.config, '--user', 'alovelace');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^otpauth:\/\/totp\//);
    expect(r.stderr).toBe('warning: alovelace is not in any of ldap.mfa.groups (admins), so their binds do not ask for a code until they are.\n');
  });

  it('password set refuses a person nobody has, in one sentence', async () => {
    const ws = workspace(LDAP);
    ws.writeCsv(people);
    expect((await idsync('sync', '--config', ws.config, '--once')).code).toBe(0);
    const r = await idsyncWithStdin('long enough password\n', 'password', 'set', '--config', ws.config, '--user', 'ghost');
    expect(r).toMatchObject({ code: 1, stderr: 'idsync: password set: no identity with username "ghost"\n' });
  });
});
