// The workday source against the RaaS fake over HTTP: Workday's output quirks (absent empty
// columns, arrays or "; " strings, descriptors, dates with offsets), broken answers, auth, and the
// lookahead problem end to end through the sync service: a Sydney leaver whose termination date
// is today loses access when that day ends in Sydney, 11 hours before UTC midnight.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/loader';
import { openSource } from '../../src/connectors/sources';
import { sourceSchema, type SourceConfig } from '../../src/config/sections/sources';
import type { SourceConnector } from '../../src/ports/source-connector';
import { noTargetsPlanner } from '../../src/ports/access-policy';
import { ManualClock } from '../../src/ports/clock';
import { departmentGroupsPolicy } from '../../src/services/policy/department-groups';
import { SyncService, silentLogger } from '../../src/services/sync';
import { MemoryStore } from '../../src/storage/memory/memory-store';
import { startWorkdayFake, type WorkdayEntry, type WorkdayFake } from '../fakes/workday-raas';

let fake: WorkdayFake;
let sleeps: number[];
beforeEach(async () => {
  fake = await startWorkdayFake();
  sleeps = [];
});
afterEach(() => fake.close());

function config(extra: Record<string, unknown> = {}): SourceConfig {
  return sourceSchema.parse({ name: 'wd', kind: 'workday', url: fake.reportUrl, username: fake.username, password: fake.password, timeZone: 'Australia/Sydney', ...extra });
}
const open = (cfg: SourceConfig, clock = new ManualClock()): SourceConnector =>
  openSource(cfg, { baseDir: '/', clock, sleep: async (ms) => void sleeps.push(ms) });

const worker = (n: number, extra: WorkdayEntry = {}): WorkdayEntry => ({
  Employee_ID: `21${String(n).padStart(3, '0')}`,
  Legal_First_Name: `Given${n}`,
  Legal_Last_Name: `Family${n}`,
  Primary_Work_Email: `worker${n}@acme.example`,
  Business_Title: 'Engineer',
  Supervisory_Organization: 'Engineering',
  Worker_Status: 'Active',
  Hire_Date: '2024-01-08',
  ...extra,
});

describe('workday source: report quirks', () => {
  it('maps arrays, "; " strings, descriptors, absent columns and dates with offsets', async () => {
    fake.entries.push(
      worker(1, { Primary_Work_Email: ['first@acme.example', 'second@acme.example'], Hire_Date: '2025-03-03-08:00', Termination_Date: '2027-06-30+10:00' }),
      worker(2, { Primary_Work_Email: 'one@acme.example; two@acme.example', Location: { Descriptor: 'Sydney Office', ID: 'LOC_SYD' }, Manager_Employee_ID: ['21001'] }),
      { Employee_ID: '21003', Legal_First_Name: 'Sparse', Legal_Last_Name: 'Row', Worker_Status: 'On Leave' }, // Workday leaves empty columns out
    );
    const snap = await open(config()).read({ watermark: null });
    expect(snap).toMatchObject({ mode: 'full', complete: true, problems: [], incompleteReason: null });
    const [a, b, c] = snap.records;
    expect(a.attributes).toMatchObject({ mail: 'first@acme.example', startDate: '2025-03-03', endDate: '2027-06-30', status: 'active', timeZone: 'Australia/Sydney' });
    expect(b.attributes).toMatchObject({ mail: 'one@acme.example', location: 'Sydney Office', manager: '21001' });
    expect(c).toMatchObject({ externalId: '21003', attributes: { mail: null, title: null, endDate: null, status: 'leave' } });
  });

  it('keeps a future termination date as an end date, and takes the earlier Last Day of Work', async () => {
    fake.entries.push(worker(1, { Termination_Date: '2026-09-30' }), worker(2, { Termination_Date: '2026-09-30-07:00', Last_Day_of_Work: '2026-09-11-07:00' }));
    const [a, b] = (await open(config()).read({ watermark: null })).records;
    expect(a.attributes).toMatchObject({ status: 'active', endDate: '2026-09-30' });
    expect(b.attributes).toMatchObject({ status: 'active', endDate: '2026-09-11' });
    expect(b.attributes).not.toHaveProperty('lastDayOfWork');
  });

  it('uses the configured column names and a bearer token', async () => {
    fake.entries.push({ Worker: 'W-9', First: 'Ada', Last: 'Lovelace', Email: 'ada@acme.example', Active_Status: '1' });
    const cfg = config({ username: undefined, password: undefined, token: fake.token, columns: { employeeId: 'Worker', givenName: 'First', sn: 'Last', mail: 'Email', status: 'Active_Status' } });
    const snap = await open(cfg).read({ watermark: null });
    expect(snap.complete).toBe(true);
    expect(snap.records).toEqual([expect.objectContaining({ externalId: 'W-9', attributes: expect.objectContaining({ givenName: 'Ada', mail: 'ada@acme.example', status: 'active' }) })]);
  });

  it('opens from a YAML config whose passwordFile the loader reads into password', async () => {
    fake.entries.push(worker(1));
    const dir = mkdtempSync(join(tmpdir(), 'idsync-workday-'));
    writeFileSync(join(dir, 'isu-password'), `${fake.password}\n`);
    writeFileSync(join(dir, 'c.yaml'), [
      'store: { kind: memory }',
      'sources:',
      `  - { name: wd, kind: workday, url: "${fake.reportUrl}", username: ${fake.username}, passwordFile: isu-password, timeZone: UTC }`,
    ].join('\n'));
    const { config: loaded } = loadConfig(join(dir, 'c.yaml'), { baseDir: dir, env: {} });
    expect(loaded.sources[0]).toMatchObject({ kind: 'workday', password: fake.password });
    const snap = await openSource(loaded.sources[0], { baseDir: dir }).read({ watermark: null });
    expect(snap).toMatchObject({ complete: true, records: [expect.objectContaining({ externalId: '21001' })] });
  });

  it('asks for ?format=json even when the configured URL does not (Workday would answer XML)', async () => {
    fake.entries.push(worker(1));
    const snap = await open(config({ url: `${fake.reportUrl}?Effective_as_of_Date=2026-01-15` })).read({ watermark: null });
    expect(snap.complete).toBe(true);
    expect(snap.records).toHaveLength(1);
  });

  it.each([
    ['an HTML page with status 200', { status: 200, headers: { 'content-type': 'text/html' }, body: '<html><body>Service Unavailable</body></html>' }, /not JSON: <html>/],
    ['a body cut short', { status: 200, body: '{"Report_Entry":[{"Employee_ID":"21001","Legal_First' }, /not JSON/],
    ['JSON without Report_Entry', { status: 200, body: { Report_Data: [] } }, /no Report_Entry list/],
    ['an empty body', { status: 200, body: '' }, /^the report \(GET \/\S+\) answered 200 without a JSON object or list: empty body/],
  ])('%s makes the read incomplete, naming why', async (_what, answer, reason) => {
    fake.entries.push(worker(1));
    fake.breakAnswer(answer);
    const snap = await open(config()).read({ watermark: null });
    expect(snap).toMatchObject({ complete: false, records: [] });
    expect(snap.incompleteReason).toMatch(reason);
  });

  it('a wrong password is incomplete naming the 401, without retrying it', async () => {
    fake.entries.push(worker(1));
    const snap = await open(config({ password: 'wrong' })).read({ watermark: null });
    expect(snap.complete).toBe(false);
    expect(snap.incompleteReason).toMatch(/answered 401: .*Invalid user name or password/);
    expect(fake.server.log.filter((l) => l.status === 401)).toHaveLength(1);
  });

  it('503 with Retry-After is waited out; duplicates and a status column in no entry make it incomplete', async () => {
    fake.entries.push(worker(1), worker(2), worker(1, { Business_Title: 'Twin' }));
    fake.inject(503, 30);
    const dup = await open(config()).read({ watermark: null });
    expect(sleeps).toContain(30_000);
    expect(dup.complete).toBe(false);
    expect(dup.problems).toEqual([{ location: 'Report_Entry 3', message: 'employee id 21001 again (first at Report_Entry 1)' }]);
    fake.entries.length = 0;
    fake.entries.push({ Employee_ID: '1', Legal_First_Name: 'A', Legal_Last_Name: 'B', Status: 'Terminated' });
    const renamed = await open(config()).read({ watermark: null });
    expect(renamed.complete).toBe(false);
    expect(renamed.incompleteReason).toMatch(/no entry has the status column "Worker_Status" \(columns\.status\)/);
  });
});

describe('workday source: the termination date in the tenant\'s time zone', () => {
  function world(timeZone: string, at: string) {
    const store = new MemoryStore();
    const clock = new ManualClock(new Date(at));
    const cfg = config({ timeZone });
    const identity = { uidNumberStart: 10000, gidNumberStart: 20000, defaultGroup: 'staff', usernameMaxLength: 20 };
    const sync = new SyncService({ store, clock, policy: departmentGroupsPolicy, planner: noTargetsPlanner, identity, log: silentLogger, sources: [cfg] });
    const source = open(cfg, clock);
    const leaverState = async () => (await store.getIdentity({ by: 'employeeId', value: '21001' }))?.state;
    return { store, clock, sync, run: () => sync.runSource(source, cfg), leaverState };
  }

  beforeEach(() => {
    // ten workers; the first has today (15 January) as their termination date, entered in advance
    for (let n = 1; n <= 10; n++) fake.entries.push(worker(n, n === 1 ? { Termination_Date: '2026-01-15+11:00' } : {}));
  });

  it('Sydney: access ends at 00:00 on the 16th in Sydney (13:00 UTC on the 15th), on an unchanged report', async () => {
    const w = world('Australia/Sydney', '2026-01-15T12:45:00Z'); // 23:45 on the last day in Sydney
    expect((await w.run()).status).toBe('applied');
    expect(await w.leaverState()).toBe('active');
    w.clock.set('2026-01-15T12:59:59Z');
    await w.run();
    expect(await w.leaverState()).toBe('active');
    w.clock.set('2026-01-15T13:00:00Z'); // the 16th began in Sydney; UTC is still on the 15th
    const report = await w.run();
    expect(report.counts.terminated).toBe(1);
    expect(await w.leaverState()).toBe('terminated');
    const audit = await w.store.readAudit(1, 10_000);
    expect(audit.filter((a) => a.action === 'identity.terminate').map((a) => a.subject.id)).toHaveLength(1);
  });

  it('Los Angeles: the worker keeps access until their last day ends there, not at UTC midnight', async () => {
    fake.entries[0] = worker(1, { Termination_Date: '2026-01-15-08:00' });
    const w = world('America/Los_Angeles', '2026-01-16T01:00:00Z'); // 17:00 on the 15th in LA
    await w.run();
    expect(await w.leaverState()).toBe('active');
    w.clock.set('2026-01-16T08:00:00Z'); // midnight in LA
    await w.run();
    expect(await w.leaverState()).toBe('terminated');
  });
});
