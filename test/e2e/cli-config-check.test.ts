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
      '  - { name: wd, kind: peoplesoft }',
      'ldap: { baseDN: "dc=example,dc=com", serviceAcounts: [ { dn: "cn=app,dc=example,dc=com", password: "x" } ] }',
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')).toEqual([
      `${r.file}: sources[0].schedule: "every 5 minutes" is not a valid cron expression (e.g. "*/5 * * * *": minute hour day month weekday)`,
      `${r.file}: sources[1].kind: unknown kind; known: bamboohr, csv, entra, fake, google, ldap, okta, scim, workday`,
      `${r.file}: ldap.serviceAcounts: unknown key "serviceAcounts" (did you mean "serviceAccounts"?)`,
      `idsync: ${r.file} has 3 problem(s); nothing was started.`,
      '',
    ]);
  });

  it('names every bad field of a workday and a bamboohr source by its path', () => {
    const r = check([
      'store: { kind: sqlite, path: ./idsync.db }',
      'sources:',
      '  - name: wd',
      '    kind: workday',
      '    url: https://wd5-services1.myworkday.com/ccx/service/customreport2/acme/ISU_idsync/Workers?format=simplexml',
      '    username: ISU_idsync',
      '    timeZone: Europe/Frankfurt',
      '    columns: { employeeId: null }',
      '  - name: bamboo',
      '    kind: bamboohr',
      '    url: https://acme.bamboohr.com/employees',
      '    apiKey: k',
      '    apiKeyFile: ./bamboo.key',
      '    fields: { mail: "" }',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')).toEqual([
      // secrets are read before the schema runs, so that problem comes first
      `${r.file}: sources[1].apiKeyFile: set either apiKey or apiKeyFile, not both`,
      `${r.file}: sources[0].url: asks for another format: idsync reads the report as ?format=json (leave format out or set it to json)`,
      `${r.file}: sources[0].timeZone: "Europe/Frankfurt" is not an IANA time zone (e.g. "Europe/Berlin", "Australia/Sydney", "UTC")`,
      `${r.file}: sources[0].password: set either password or passwordFile (one of them)`,
      `${r.file}: sources[0].columns.employeeId: cannot be null: the employee id is what identifies a worker`,
      `${r.file}: sources[1].url: must end in /api/gateway.php/<company> (the company subdomain, without /v1)`,
      `${r.file}: sources[1].fields.mail: Too small: expected string to have >=1 characters`,
      `idsync: ${r.file} has 7 problem(s); nothing was started.`,
      '',
    ]);
  });

  it('exits 0 with a warning for a CSV file that does not exist yet', () => {
    const r = check(['store: { kind: sqlite, path: ./idsync.db }', 'sources:', '  - { name: hr, kind: csv, path: ./hr.csv }']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${r.file}: configuration is valid (1 source(s), 0 target(s)).\n`);
    expect(r.stderr).toBe(`${r.file}: warning: sources[0].path: no file at ${join(r.dir, 'hr.csv')} yet; runs of source "hr" are incomplete (nobody is removed) until it exists\n`);
  });

  it('exits 1 naming both sources whose groups can clash without a prefix', () => {
    const r = check([
      'store: { kind: sqlite, path: ./idsync.db }',
      'sources:',
      '  - { name: entra, kind: entra, tenantId: t, clientId: c, clientSecret: s, groups: {} }',
      '  - { name: ad, kind: ldap, url: "ldap://dc1", bindDN: "cn=r,dc=x", bindPassword: p, baseDN: "dc=x", groupsDN: "ou=groups,dc=x" }',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `${r.file}: sources[1].groups.prefix: sources "entra" and "ad" both bring groups without a prefix, so their group names can clash under ou=groups: give one of them its own groups.prefix (or stop reading its groups)`,
    );
  });
});
