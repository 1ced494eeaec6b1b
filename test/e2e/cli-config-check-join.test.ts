// `idsync config check` (the built CLI) on bad join entries: each one named by its path, the
// source section and the entry index included, with what would have been accepted.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IDSYNC_BIN } from '../helpers/process';

function check(yaml: string[]): { code: number | null; stdout: string; stderr: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'idsync-check-join-'));
  const file = join(dir, 'idsync.yaml');
  writeFileSync(file, yaml.join('\n'));
  writeFileSync(join(dir, 'hr.csv'), 'employee_id,first_name,last_name\n');
  const r = spawnSync(process.execPath, [IDSYNC_BIN, 'config', 'check', '--config', file], { encoding: 'utf8', cwd: dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, file };
}

const entra = 'kind: entra, tenantId: t, clientId: c, clientSecret: s';

describe('idsync config check: join rules', () => {
  it('exits 1 naming every bad join entry by sources[i].join[j] path', () => {
    const r = check([
      'store: { kind: sqlite, path: ./idsync.db }',
      'sources:',
      '  - { name: hr, kind: csv, path: ./hr.csv }',
      `  - { name: entra, ${entra}, join: [employeeId, upn, { attribute: foo, caseInsensitive: true }, emial, { attribute: mail, caseInsensitive: 1 }] }`,
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/: sources\[1\]\.join\[2\]\.attribute: unknown attribute "foo"; known: employeeId, .*, upn, login, .* \(or map it under attributes\)$/),
      `${r.file}: sources[1].join[3]: unknown join rule "emial"; use employeeId, mail, upn, login, or { attribute: <name>, caseInsensitive: true }`,
      `${r.file}: sources[1].join[4].caseInsensitive: must be true or false`,
      `idsync: ${r.file} has 3 problem(s); nothing was started.`,
      '',
    ]);
    expect(lines[0].startsWith(`${r.file}: `)).toBe(true);
  });

  it('accepts the contract form, an attribute the source maps included', () => {
    const r = check([
      'store: { kind: sqlite, path: ./idsync.db }',
      'sources:',
      '  - { name: hr, kind: csv, path: ./hr.csv, columns: { badge: badge_no }, join: [employeeId, { attribute: badge }] }',
      `  - { name: entra, ${entra}, join: [employeeId, upn, login, { attribute: mail, caseInsensitive: true }] }`,
    ]);
    expect(r.stdout).toBe(`${r.file}: configuration is valid (2 source(s), 0 target(s)).\n`);
    expect(r.code).toBe(0);
    // valid, but entra maps no login by default: that rule would join nobody
    expect(r.stderr).toBe(`${r.file}: warning: sources[1].join[2]: source "entra" maps no login attribute (kind entra maps none by default), so this rule never matches; map it with attributes: { login: <entra attribute> }\n`);
  });

  it('no warning once the source maps the attribute a rule joins on', () => {
    const r = check([
      'store: { kind: sqlite, path: ./idsync.db }',
      'sources:',
      `  - { name: entra, ${entra}, attributes: { login: mailNickname }, join: [upn, login] }`,
      '  - { name: hr, kind: csv, path: ./hr.csv, columns: { upn: upn }, join: [employeeId, upn, login] }',
    ]);
    expect(r.stdout).toBe(`${r.file}: configuration is valid (2 source(s), 0 target(s)).\n`);
    expect(r.stderr).toBe(`${r.file}: warning: sources[1].join[2]: source "hr" maps no login attribute (kind csv maps none by default), so this rule never matches; map it with columns: { login: <header> }\n`);
  });
});
