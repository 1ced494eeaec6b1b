// The bamboohr source against the BambooHR fake over HTTP: what each status becomes, empty dates
// ("0000-00-00"), rehires, fields the key may not see, throttling, auth errors from the
// X-BambooHR-Error-Message header, and incremental reads (changed ids, then one filtered report;
// Deleted become removed) through the sync service.
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
import { startBambooFake, type BambooEmployee, type BambooFake } from '../fakes/bamboohr';

let fake: BambooFake;
let sleeps: number[];
beforeEach(async () => {
  fake = await startBambooFake();
  sleeps = [];
});
afterEach(() => fake.close());

function config(extra: Record<string, unknown> = {}): SourceConfig {
  return sourceSchema.parse({ name: 'bamboo', kind: 'bamboohr', url: fake.url, apiKey: fake.apiKey, ...extra });
}
const open = (cfg: SourceConfig = config(), clock = new ManualClock()): SourceConnector =>
  openSource(cfg, { baseDir: '/', clock, sleep: async (ms) => void sleeps.push(ms) });

const employee = (id: number, extra: BambooEmployee = {}): BambooEmployee => ({
  id: String(id),
  employeeNumber: `E${id}`,
  firstName: `Given${id}`,
  lastName: `Family${id}`,
  workEmail: `e${id}@acme.example`,
  jobTitle: 'Engineer',
  department: 'Engineering',
  status: 'Active',
  employmentHistoryStatus: 'Full-Time',
  hireDate: '2024-01-08',
  terminationDate: null,
  ...extra,
});

const attributesOf = (records: { externalId: string; attributes: Record<string, string | null> }[], id: number) => records.find((r) => r.externalId === String(id))?.attributes;

describe('bamboohr source: statuses and dates', () => {
  it('maps what each status becomes, empty dates, future terminations and rehires', async () => {
    fake.put(employee(1));
    fake.put(employee(2, { status: 'Inactive', employmentHistoryStatus: 'Terminated', terminationDate: '2025-11-30' }));
    fake.put(employee(3, { status: 'Inactive' })); // deactivated without an employment-status row
    fake.put(employee(4, { employmentHistoryStatus: 'Terminated' }));
    fake.put(employee(5, { employmentHistoryStatus: 'Leave of Absence' }));
    fake.put(employee(6, { terminationDate: '2026-12-31' })); // leaving later: active until then
    fake.put(employee(7, { hireDate: '2025-06-01', terminationDate: '2023-03-31' })); // rehired
    const snap = await open().read({ watermark: null });
    expect(snap).toMatchObject({ mode: 'full', complete: true, problems: [] });
    expect(attributesOf(snap.records, 1)).toMatchObject({ status: 'active', endDate: null, startDate: '2024-01-08', employeeId: 'E1', mail: 'e1@acme.example' });
    expect(attributesOf(snap.records, 2)).toMatchObject({ status: 'terminated', endDate: '2025-11-30' });
    expect(attributesOf(snap.records, 3)?.status).toBe('terminated');
    expect(attributesOf(snap.records, 4)?.status).toBe('terminated');
    expect(attributesOf(snap.records, 5)?.status).toBe('leave');
    expect(attributesOf(snap.records, 6)).toMatchObject({ status: 'active', endDate: '2026-12-31' });
    expect(attributesOf(snap.records, 7)).toMatchObject({ status: 'active', endDate: null, startDate: '2025-06-01' });
  });

  it('a field the API key\'s user may not see makes the read incomplete, naming it', async () => {
    fake.put(employee(1));
    fake.hidden.add('terminationDate');
    const snap = await open().read({ watermark: null });
    expect(snap.complete).toBe(false);
    expect(snap.incompleteReason).toMatch(/left out field\(s\) terminationDate: unknown, or not visible to the API key's user/);
  });

  it('a mapped field BambooHR does not know is named the same way', async () => {
    fake.put(employee(1));
    const snap = await open(config({ fields: { department: 'customCostCentre' } })).read({ watermark: null });
    expect(snap.incompleteReason).toMatch(/left out field\(s\) customCostCentre/);
  });

  it('a bad API key is incomplete with BambooHR\'s reason from X-BambooHR-Error-Message', async () => {
    const snap = await open(config({ apiKey: 'not-the-key' })).read({ watermark: null });
    expect(snap.complete).toBe(false);
    expect(snap.incompleteReason).toMatch(/^the employee report \(POST \/\S+\/v1\/reports\/custom\) answered 401: Invalid API key$/);
  });

  it('opens from a YAML config whose apiKeyFile the loader reads into apiKey', async () => {
    fake.put(employee(1));
    const dir = mkdtempSync(join(tmpdir(), 'idsync-bamboohr-'));
    writeFileSync(join(dir, 'bamboohr-api-key'), `${fake.apiKey}\n`);
    writeFileSync(join(dir, 'c.yaml'), ['store: { kind: memory }', 'sources:', `  - { name: bamboo, kind: bamboohr, url: "${fake.url}", apiKeyFile: bamboohr-api-key }`].join('\n'));
    const { config: loaded } = loadConfig(join(dir, 'c.yaml'), { baseDir: dir, env: {} });
    expect(loaded.sources[0]).toMatchObject({ kind: 'bamboohr', apiKey: fake.apiKey });
    const snap = await openSource(loaded.sources[0], { baseDir: dir }).read({ watermark: null });
    expect(snap).toMatchObject({ complete: true, records: [expect.objectContaining({ externalId: '1' })] });
  });

  it('429 and 503 with Retry-After are waited out as told', async () => {
    fake.put(employee(1));
    fake.inject(429, 12);
    fake.inject(503, 3);
    const snap = await open().read({ watermark: null });
    expect(snap.complete).toBe(true);
    expect(sleeps).toEqual([12_000, 3_000]);
  });
});

describe('bamboohr source: incremental reads', () => {
  it('reads only the changed employees, in one filtered report, and reports the deleted as removed', async () => {
    for (let i = 1; i <= 5; i++) fake.put(employee(i));
    fake.tick(3_600_000);
    const source = open();
    const full = await source.read({ watermark: null });
    expect(full.watermark).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    fake.tick(3_600_000);
    fake.put(employee(2, { jobTitle: 'Staff Engineer' }));
    fake.put(employee(3, { status: 'Inactive', employmentHistoryStatus: 'Terminated', terminationDate: '2026-01-14' }));
    fake.put(employee(9));
    fake.remove('5');
    fake.reports.length = 0;
    const delta = await source.read({ watermark: full.watermark });
    expect(delta).toMatchObject({ mode: 'delta', complete: true, removed: ['5'] });
    expect(delta.records.map((r) => r.externalId).sort()).toEqual(['2', '3', '9']);
    expect(fake.reports).toEqual([[ '2', '3', '9' ]]);
    expect(attributesOf(delta.records, 3)?.status).toBe('terminated');
    expect(delta.watermark).not.toBe(full.watermark);
    // nothing changed since: no report at all
    fake.reports.length = 0;
    fake.tick(60_000);
    const quiet = await source.read({ watermark: '2099-01-01T00:00:00Z' });
    expect(quiet).toMatchObject({ mode: 'delta', complete: true, records: [], removed: [] });
    expect(fake.reports).toEqual([]);
  });

  it('a failing change list keeps the watermark, so the next run reads the same changes again', async () => {
    fake.put(employee(1));
    const source = open();
    const full = await source.read({ watermark: null });
    fake.inject(500, undefined, /employees\/changed/);
    fake.inject(500, undefined, /employees\/changed/);
    fake.inject(500, undefined, /employees\/changed/);
    fake.inject(500, undefined, /employees\/changed/);
    const delta = await source.read({ watermark: full.watermark });
    expect(delta).toMatchObject({ mode: 'delta', complete: false, watermark: full.watermark });
    expect(delta.incompleteReason).toMatch(/^the changed-employee list \(GET \/\S+\/v1\/employees\/changed\) answered 500/);
  });

  it('through the sync service: a termination and a deletion in BambooHR end access on the next delta', async () => {
    for (let i = 1; i <= 10; i++) fake.put(employee(i));
    fake.tick(3_600_000);
    const store = new MemoryStore();
    const clock = new ManualClock(new Date('2026-01-15T09:00:00Z'));
    const cfg = config();
    const identity = { uidNumberStart: 10000, gidNumberStart: 20000, defaultGroup: 'staff', usernameMaxLength: 20 };
    const sync = new SyncService({ store, clock, policy: departmentGroupsPolicy, planner: noTargetsPlanner, identity, log: silentLogger, sources: [cfg] });
    const source = open(cfg, clock);
    expect((await sync.runSource(source, cfg)).counts.created).toBe(10);
    fake.tick(3_600_000);
    fake.put(employee(4, { status: 'Inactive', employmentHistoryStatus: 'Terminated', terminationDate: '2026-01-14' }));
    fake.remove('7');
    const report = await sync.runSource(source, cfg);
    expect(report.status).toBe('applied');
    const state = async (n: number) => (await store.getIdentity({ by: 'employeeId', value: `E${n}` }))?.state;
    expect(await state(4)).toBe('terminated');
    expect(await state(7)).toBe('terminated');
    expect(await state(5)).toBe('active');
  });
});

describe('bamboohr source: a termination date entered in advance', () => {
  it('ends access on the day after it on an incremental run that brings no change for that person', async () => {
    for (let i = 1; i <= 10; i++) fake.put(employee(i, i === 3 ? { terminationDate: '2026-01-20' } : {}));
    fake.tick(3_600_000);
    const store = new MemoryStore();
    const clock = new ManualClock(new Date('2026-01-15T09:00:00Z'));
    const cfg = config({ timeZone: 'America/Denver' });
    const identity = { uidNumberStart: 10000, gidNumberStart: 20000, defaultGroup: 'staff', usernameMaxLength: 20 };
    const sync = new SyncService({ store, clock, policy: departmentGroupsPolicy, planner: noTargetsPlanner, identity, log: silentLogger, sources: [cfg] });
    const source = open(cfg, clock);
    const state = async (n: number) => (await store.getIdentity({ by: 'employeeId', value: `E${n}` }))?.state;
    await sync.runSource(source, cfg);
    expect(await state(3)).toBe('active');
    clock.set('2026-01-21T06:59:00Z'); // 23:59 on the 20th in Denver
    fake.tick(3_600_000);
    fake.put(employee(8, { jobTitle: 'Manager' })); // someone else changes: the delta carries only them
    let report = await sync.runSource(source, cfg);
    expect(report.counts.updated).toBe(1);
    expect(await state(3)).toBe('active');
    clock.set('2026-01-21T07:00:00Z'); // the 21st began in Denver
    fake.tick(3_600_000);
    report = await sync.runSource(source, cfg);
    expect(report.counts.terminated).toBe(1);
    expect(await state(3)).toBe('terminated');
    expect(fake.reports.filter((ids) => ids === null)).toHaveLength(1); // only the first run read everyone
  });
});
