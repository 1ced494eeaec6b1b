// Runs the idsync CLI in-process with captured output (fast), and writes throwaway workspaces.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { main } from '../../src/cli';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function idsync(...args: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(['node', 'idsync', ...args], {
    out: (t) => (stdout += t.endsWith('\n') ? t : `${t}\n`),
    err: (t) => (stderr += t.endsWith('\n') ? t : `${t}\n`),
  });
  return { code, stdout, stderr };
}

export interface Person {
  id: string;
  first: string;
  last: string;
  email?: string;
  department?: string;
  title?: string;
  manager?: string;
  status?: string;
  start?: string;
  end?: string;
  type?: string;
  location?: string;
}

export function hrCsv(people: Person[]): string {
  const header = 'employee_id,first_name,last_name,email,department,title,manager_id,status,start_date,end_date,employee_type,location';
  const q = (v: string | undefined) => (v && /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v ?? '');
  const rows = people.map((p) =>
    [p.id, p.first, p.last, p.email ?? `${p.first}.${p.last}@example.com`.toLowerCase(), p.department ?? 'Engineering', p.title ?? 'Engineer', p.manager ?? '', p.status ?? 'active', p.start ?? '2020-01-01', p.end ?? '', p.type ?? 'employee', p.location ?? '']
      .map(q)
      .join(','),
  );
  return `${header}\n${rows.join('\n')}\n`;
}

export interface Workspace {
  dir: string;
  config: string;
  csv: string;
  prefix: string;
  writeCsv(people: Person[]): void;
}

/**
 * A temp dir with an SQLite-backed config whose Redis keys live under their own prefix. Its HR
 * file is written whole before each run, so the source does not wait for it to settle.
 */
export function workspace(extraYaml = '', sourceExtra = ''): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'idsync-e2e-'));
  const csv = join(dir, 'hr.csv');
  const prefix = `idsync-test-${randomUUID()}`;
  const config = join(dir, 'idsync.yaml');
  writeFileSync(
    config,
    [
      `store: { kind: sqlite, path: ${join(dir, 'idsync.db')} }`,
      `redis: { url: redis://127.0.0.1:6379, prefix: ${prefix} }`,
      'sources:',
      `  - { name: hr, kind: csv, path: ${csv}, schedule: "*/5 * * * *", settleSeconds: 0${sourceExtra} }`,
      `audit: { sinks: [ { kind: file, path: ${join(dir, 'audit.jsonl')} } ] }`,
      extraYaml,
    ].join('\n'),
  );
  return { dir, config, csv, prefix, writeCsv: (people) => writeFileSync(csv, hrCsv(people)) };
}
