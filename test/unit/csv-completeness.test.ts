import { appendFileSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sourceSchema, type SourceConfig } from '../../src/config/sections/sources';
import { loadConfig } from '../../src/config/loader';
import { openSource } from '../../src/connectors/sources';
import { ManualClock } from '../../src/ports/clock';

const HEADER = 'employee_id,first_name,last_name,email,department,title,manager_id,status,start_date,end_date,employee_type,location';
const row = (i: number, type = 'employee') => `E${i},Given${i},Family${i},g${i}@example.com,Engineering,Engineer,,active,2020-01-01,,${type},Berlin`;
const rows = (n: number) => Array.from({ length: n }, (_, i) => row(i + 1));
const whole = (n: number) => `${[HEADER, ...rows(n)].join('\n')}\n`;

describe('HR CSV completeness checks', () => {
  let dir: string;
  let clock: ManualClock;
  let slept: number[];
  /** what happens to the file while the source sleeps (a copy still in progress) */
  let duringSleep: () => void;

  const sleep = async (ms: number) => {
    slept.push(ms);
    clock.advance(ms);
    duringSleep();
  };
  const cfg = (extra: Record<string, unknown> = {}): SourceConfig => sourceSchema.parse({ name: 'hr', kind: 'csv', path: 'hr.csv', ...extra });
  const source = (extra: Record<string, unknown> = {}) => openSource(cfg(extra), { baseDir: dir, clock, sleep });
  const read = (extra: Record<string, unknown> = {}) => source(extra).read({ watermark: null });
  const csvPath = () => join(dir, 'hr.csv');
  /** gives a file an mtime long before the test clock, as yesterday's drop has */
  const age = (path: string, seconds = 3600) => {
    const t = new Date(clock.now().getTime() - seconds * 1000);
    utimesSync(path, t, t);
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'idsync-csv-complete-'));
    clock = new ManualClock(new Date('2026-03-10T08:00:00Z'));
    slept = [];
    duringSleep = () => undefined;
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('uses no row of a file cut inside its last field (no final line break), naming the final-newline check', async () => {
    writeFileSync(csvPath(), `${[HEADER, ...rows(4), row(5, 'employee').slice(0, -'oyee,Berlin'.length)].join('\n')}`);
    age(csvPath());
    const snap = await read();
    const reason = `HR file ${csvPath()} is incomplete (final-newline check): it does not end with a line break, so its last line may be cut; none of its rows were used`;
    expect(snap).toMatchObject({ complete: false, records: [], failedCheck: 'final-newline', incompleteReason: reason });
    expect(snap.problems).toEqual([{ location: csvPath(), message: reason }]);

    writeFileSync(csvPath(), whole(5));
    age(csvPath());
    const fixed = await read();
    expect(fixed).toMatchObject({ complete: true, incompleteReason: null });
    expect(fixed.records.map((r) => r.attributes.employeeType)).toEqual(Array(5).fill('employee'));
  });

  it('uses no row of a file that ends inside a quoted field even though it ends with a line break', async () => {
    writeFileSync(csvPath(), `${whole(3)}E4,Given4,Family4,g4@example.com,Engineering,"Account Manager\n`);
    age(csvPath());
    const snap = await read();
    expect(snap).toMatchObject({ complete: false, records: [], failedCheck: 'unclosed-quote' });
    expect(snap.incompleteReason).toContain(`(unclosed-quote check): it ends inside a quoted field opened at ${csvPath()}:`);
  });

  it('reads a file whose mtime is older than settleSeconds at once, without sleeping', async () => {
    writeFileSync(csvPath(), whole(3));
    age(csvPath(), 6);
    expect((await read()).complete).toBe(true);
    expect(slept).toEqual([]);
  });

  it('waits through the injected sleep until a fresh file has kept its size and mtime for settleSeconds', async () => {
    writeFileSync(csvPath(), `${[HEADER, ...rows(2)].join('\n')}\n`);
    let copies = 0;
    // the copy goes on for two more pauses, then stops
    duringSleep = () => {
      if (copies++ < 2) appendFileSync(csvPath(), `${row(3 + copies)}\n`);
    };
    const snap = await read({ settleSeconds: 5 });
    expect(snap.complete).toBe(true);
    expect(snap.records).toHaveLength(4);
    // two pauses saw the file change, the last 5 s saw it stay the same
    expect(slept.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(5000 * 3);
  });

  it('gives up on a file that keeps growing after settleTimeoutSeconds and says so', async () => {
    writeFileSync(csvPath(), `${[HEADER, ...rows(2)].join('\n')}\n`);
    let n = 2;
    duringSleep = () => appendFileSync(csvPath(), `${row(++n)}\n`);
    const snap = await read({ settleSeconds: 5, settleTimeoutSeconds: 20 });
    expect(snap).toMatchObject({ complete: false, records: [], failedCheck: 'settle' });
    expect(snap.incompleteReason).toBe(
      `HR file ${csvPath()} is incomplete (settle check): it was still changing after 20 s of waiting (its size or modification time did not stay the same for 5 s); none of its rows were used`,
    );
    expect(slept.reduce((a, b) => a + b, 0)).toBe(20000);
  });

  it('requires a configured completion marker next to the file, newer than the file', async () => {
    writeFileSync(csvPath(), whole(3));
    age(csvPath(), 60);
    const marker = join(dir, 'hr.csv.done');

    const absent = await read({ doneFile: 'hr.csv.done' });
    expect(absent).toMatchObject({ complete: false, records: [], failedCheck: 'done-marker' });
    expect(absent.incompleteReason).toContain(`(done-marker check): its completion marker ${marker} does not exist (yet)`);

    writeFileSync(marker, '');
    age(marker, 3600); // from an earlier drop: older than the file
    const stale = await read({ doneFile: 'hr.csv.done' });
    expect(stale).toMatchObject({ complete: false, failedCheck: 'done-marker' });
    expect(stale.incompleteReason).toContain('is older than the file');

    age(marker, 30);
    expect(await read({ doneFile: 'hr.csv.done' })).toMatchObject({ complete: true, incompleteReason: null });
  });

  it('checks the row count a completion marker holds', async () => {
    writeFileSync(csvPath(), whole(3));
    age(csvPath(), 60);
    const marker = join(dir, 'hr.csv.done');
    const withMarker = (text: string) => {
      writeFileSync(marker, text);
      age(marker, 30);
      return read({ doneFile: { path: 'hr.csv.done', rowCount: true } });
    };
    const wrong = await withMarker('4\n');
    expect(wrong).toMatchObject({ complete: false, records: [], failedCheck: 'row-count' });
    expect(wrong.incompleteReason).toContain(`(row-count check): the completion marker ${marker} says 4 data row(s), the file has 3`);
    expect(await withMarker('done')).toMatchObject({ complete: false, failedCheck: 'done-marker' });
    expect(await withMarker('3\n')).toMatchObject({ complete: true });
  });

  it('requires the trailer line and checks its row count; the trailer is not a record', async () => {
    const trailer = { pattern: '^TRAILER,(\\d+)$' };
    writeFileSync(csvPath(), `${whole(3)}TRAILER,3\n`);
    age(csvPath());
    const ok = await read({ trailer });
    expect(ok).toMatchObject({ complete: true, problems: [] });
    expect(ok.records.map((r) => r.externalId)).toEqual(['E1', 'E2', 'E3']);

    writeFileSync(csvPath(), `${whole(3)}TRAILER,4\n`);
    age(csvPath());
    const mismatch = await read({ trailer });
    expect(mismatch).toMatchObject({ complete: false, records: [], failedCheck: 'row-count' });
    expect(mismatch.incompleteReason).toContain('(row-count check): its trailer says 4 data row(s), the file has 3');

    writeFileSync(csvPath(), whole(3)); // cut before its trailer, at a line break
    age(csvPath());
    const cut = await read({ trailer });
    expect(cut).toMatchObject({ complete: false, records: [], failedCheck: 'trailer' });
    expect(cut.incompleteReason).toContain('(trailer check): its last line does not match the trailer pattern ^TRAILER,(\\d+)$');
  });

  it('uses no row of a file that lacks a mapped column, naming it, unless the column is mapped to null', async () => {
    const noEmail = (text: string) => text.replace(',email', '').replace(/,g\d+@example\.com/g, '');
    writeFileSync(csvPath(), noEmail(whole(3)));
    age(csvPath());
    const snap = await read();
    expect(snap).toMatchObject({ complete: false, records: [], failedCheck: 'columns' });
    expect(snap.incompleteReason).toBe(`HR file ${csvPath()} has no column "email" in its header line; map mail: null under columns: if the file deliberately lacks it`);

    const configured = await read({ columns: { costCenter: 'cost_center', mail: null } });
    expect(configured.incompleteReason).toContain('has no column "cost_center" in its header line');

    const declared = await read({ columns: { mail: null } });
    expect(declared).toMatchObject({ complete: true });
    expect(declared.records[0].attributes).not.toHaveProperty('mail');
  });

  it('throws on a resync read of a file in doubt instead of reporting the person gone', async () => {
    writeFileSync(csvPath(), whole(3).trimEnd());
    age(csvPath());
    await expect(source().readOne!('E1')).rejects.toThrow(/source "hr": HR file .* is incomplete \(final-newline check\)/);
  });

  it('loads the completeness keys from YAML as the README shows them', () => {
    const file = join(dir, 'idsync.yaml');
    writeFileSync(file, [
      'store: { kind: sqlite, path: ./idsync.db }',
      'sources:',
      '  - name: hr',
      '    kind: csv',
      '    path: hr.csv',
      '    columns: { employeeId: "Personnel No", manager: null }',
      '    settleSeconds: 5',
      '    settleTimeoutSeconds: 60',
      '    doneFile: { path: hr.csv.done, rowCount: true }',
      '    trailer: { pattern: "^TRAILER,(\\\\d+)$" }',
    ].join('\n'));
    const { config } = loadConfig(file, { baseDir: dir, env: {} });
    expect(config.sources[0]).toMatchObject({
      columns: { employeeId: 'Personnel No', manager: null },
      settleSeconds: 5,
      settleTimeoutSeconds: 60,
      doneFile: { path: 'hr.csv.done', rowCount: true },
      trailer: { pattern: '^TRAILER,(\\d+)$' },
    });
  });

  it('keeps doneFile a path through the loader (not read as a secret), though the marker does not exist yet', () => {
    const file = join(dir, 'idsync-done.yaml');
    writeFileSync(file, ['store: { kind: sqlite, path: ./idsync.db }', 'sources:', '  - { name: hr, kind: csv, path: hr.csv, doneFile: hr.csv.done }'].join('\n'));
    const { config } = loadConfig(file, { baseDir: dir, env: {} });
    expect(config.sources[0]).toMatchObject({ doneFile: { path: 'hr.csv.done', rowCount: false } });
    expect(config.sources[0]).not.toHaveProperty('done');
  });

  it('rejects configurations that cannot work, naming the key', () => {
    const issues = (extra: Record<string, unknown>) => sourceSchema.safeParse({ name: 'hr', kind: 'csv', path: 'hr.csv', ...extra }).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues({ columns: { employeeId: null } })).toEqual(['columns.employeeId: employeeId cannot be null: a row without it cannot become a person']);
    expect(issues({ trailer: { pattern: '(' } })).toEqual(['trailer.pattern: is not a valid regular expression']);
    expect(issues({ settleSeconds: -1 })?.[0]).toMatch(/^settleSeconds:/);
    expect(issues({ settleSeconds: 30, settleTimeoutSeconds: 10 })).toEqual(['settleTimeoutSeconds: must be at least settleSeconds (30), or a fresh file could never settle']);
  });
});
