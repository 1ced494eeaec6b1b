import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sourceSchema, type SourceConfig } from '../../src/config/sections/sources';
import { openSource } from '../../src/connectors/sources';
import { detectDelimiter } from '../../src/connectors/sources/csv/delimiter';

const fixtures = resolve(__dirname, '../fixtures/hr');
const csv = (path: string, extra: Record<string, unknown> = {}): SourceConfig => sourceSchema.parse({ name: 'hr', kind: 'csv', path, ...extra });
const read = (path: string, extra: Record<string, unknown> = {}) => openSource(csv(path, extra), { baseDir: fixtures }).read({ watermark: null });

describe('HR CSV source', () => {
  it('maps the default columns and keeps quoted delimiters and newlines inside fields', async () => {
    const snap = await read('basic.csv');
    expect(snap).toMatchObject({ mode: 'full', complete: true, problems: [], incompleteReason: null });
    expect(snap.records.map((r) => r.externalId)).toEqual(['E1001', 'E1002', 'E1003']);
    expect(snap.records[0].attributes).toMatchObject({ givenName: 'José', sn: 'Müller-Łukasz', mail: 'Jose.Mueller@example.com', title: 'Engineer, Platform', location: 'Berlin' });
    expect(snap.records[1].attributes.title).toBe('Account Manager\n(EMEA)');
    expect(snap.records[2].location).toBe(`${join(fixtures, 'basic.csv')}:5`);
  });

  it('reads a UTF-8 file with a byte-order mark, ";" delimiters and CRLF line ends', async () => {
    // this export has no location column and says so
    const snap = await read('bom-semicolon.csv', { columns: { location: null } });
    expect(snap.complete).toBe(true);
    expect(snap.records.map((r) => r.externalId)).toEqual(['E2001', 'E2002']);
    expect(snap.records[0].attributes).toMatchObject({ employeeId: 'E2001', givenName: 'Zoë', sn: 'Ångström', title: 'Controller; Group' });
    expect(snap.records[1].attributes).toMatchObject({ status: 'terminated', endDate: '2025-12-31' });
  });

  it('reports a malformed row with its file and line, skips it and marks the snapshot incomplete', async () => {
    const snap = await read('malformed.csv', { columns: { location: null } });
    const path = join(fixtures, 'malformed.csv');
    expect(snap.complete).toBe(false);
    expect(snap.records.map((r) => r.externalId)).toEqual(['E3001', 'E3003']);
    expect(snap.problems).toHaveLength(1);
    expect(snap.problems[0].location).toBe(`${path}:3`);
    expect(snap.problems[0].message).toMatch(/malformed row/);
    expect(snap.incompleteReason).toBe(`1 malformed row(s) in ${path}, first at ${path}:3`);
  });

  it('marks a file without a required column incomplete, naming the column', async () => {
    const snap = await read('missing-header.csv');
    expect(snap.complete).toBe(false);
    expect(snap.records).toEqual([]);
    expect(snap.incompleteReason).toBe(`HR file ${join(fixtures, 'missing-header.csv')} has no column "employee_id" in its header line`);
  });

  it('honours a column mapping override', async () => {
    const absent = { title: null, manager: null, startDate: null, endDate: null, employeeType: null, location: null };
    const columns = { employeeId: 'Personnel Number', givenName: 'Given Name', sn: 'Family Name', mail: 'Work Email', department: 'Org Unit', status: 'Employment Status', ...absent };
    const snap = await read('custom-columns.csv', { columns });
    expect(snap.complete).toBe(true);
    expect(snap.records[0]).toMatchObject({ externalId: 'P-77', attributes: { givenName: 'Ingrid', sn: 'Bergström', department: 'Operations', status: 'Active' } });
  });

  it('fails with an error naming the path when the file is missing', async () => {
    await expect(read('nope.csv')).rejects.toThrow(`HR file ${join(fixtures, 'nope.csv')} does not exist or cannot be read`);
  });

  it('treats an empty file as incomplete', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'idsync-csv-'));
    try {
      writeFileSync(join(dir, 'empty.csv'), '');
      const snap = await openSource(csv('empty.csv', { settleSeconds: 0 }), { baseDir: dir }).read({ watermark: null });
      expect(snap).toMatchObject({ complete: false, incompleteReason: `HR file ${join(dir, 'empty.csv')} is empty: no header line` });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('detects the delimiter from the header line, ignoring quoted ones', () => {
    expect(detectDelimiter('a;b;c')).toBe(';');
    expect(detectDelimiter('"x;y;z",b,c')).toBe(',');
  });

  it('rejects an unknown kind and an invalid config with a clear message', () => {
    expect(() => openSource({ ...csv('x.csv'), kind: 'peoplesoft' } as unknown as SourceConfig, { baseDir: '.' })).toThrow('source "hr": unknown kind "peoplesoft" (known: bamboohr, csv, entra, fake, google, ldap, okta, scim, workday)');
    expect(() => openSource({ ...csv('x.csv'), path: '' } as SourceConfig, { baseDir: '.' })).toThrow(/source "hr" has an invalid configuration: path:/);
  });
});
