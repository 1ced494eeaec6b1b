// `idsync config check` (the built CLI) catches what would fail later: a cron expression node-cron
// cannot run, a misspelt key inside ldap:, an unknown kind; a missing CSV file is only a warning.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IDSYNC_BIN } from '../helpers/process';

function check(yaml: string[]): { code: number | null; stdout: string; stderr: string; file: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'idsync-check-'));
  const file = join(dir, 'idsync.yaml');
  writeFileSync(file, yaml.join('\n'));
  const r = spawnSync(process.execPath, [IDSYNC_BIN, 'config', 'check', '--config', file], { encoding: 'utf8', cwd: dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, file, dir };
}

describe('idsync config check', () => {
  it('exits 1 listing each problem with its path', () => {
    const r = check([
      'store: { kind: sqlite, path: ./idsync.db }',
      'sources:',
      '  - { name: hr, kind: csv, path: ./hr.csv, schedule: "every 5 minutes" }',
      '  - { name: wd, kind: workday }',
      'ldap: { baseDN: "dc=example,dc=com", serviceAcounts: [ { dn: "cn=app,dc=example,dc=com", password: "x" } ] }',
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')).toEqual([
      `${r.file}: sources[0].schedule: "every 5 minutes" is not a valid cron expression (e.g. "*/5 * * * *": minute hour day month weekday)`,
      `${r.file}: sources[1].kind: unknown kind; known: csv, entra, fake, google, ldap, okta, scim`,
      `${r.file}: ldap.serviceAcounts: unknown key "serviceAcounts" (did you mean "serviceAccounts"?)`,
      `idsync: ${r.file} has 3 problem(s); nothing was started.`,
      '',
    ]);
  });

  it('exits 0 with a warning for a CSV file that does not exist yet', () => {
    const r = check(['store: { kind: sqlite, path: ./idsync.db }', 'sources:', '  - { name: hr, kind: csv, path: ./hr.csv }']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${r.file}: configuration is valid (1 source(s), 0 target(s)).\n`);
    expect(r.stderr).toBe(`${r.file}: warning: sources[0].path: no file at ${join(r.dir, 'hr.csv')} yet; runs of source "hr" are incomplete (nobody is removed) until it exists\n`);
  });
});
