import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sourceSchema, type SourceConfig } from '../../src/config/sections/sources';
import { openSource } from '../../src/connectors/sources';
import type { Identity } from '../../src/domain/types';
import { noTargetsPlanner } from '../../src/ports/access-policy';
import { ManualClock } from '../../src/ports/clock';
import type { IdentityStore } from '../../src/ports/identity-store';
import type { SourceConnector } from '../../src/ports/source-connector';
import { departmentGroupsPolicy } from '../../src/services/policy/department-groups';
import { SyncService } from '../../src/services/sync';
import type { Logger } from '../../src/ports/logger';
import { openStore } from '../../src/storage';

const identity = { uidNumberStart: 10000, gidNumberStart: 20000, defaultGroup: 'staff', usernameMaxLength: 20 };
const HEADER = ['employee_id', 'first_name', 'last_name', 'email', 'department', 'title', 'manager_id', 'status', 'start_date', 'end_date', 'employee_type', 'location'];

interface Row {
  id: string;
  email?: string;
  department?: string;
  status?: string;
  title?: string;
  location?: string;
}

const people = (n: number, extra: (i: number) => Partial<Row> = () => ({})): Row[] => Array.from({ length: n }, (_, i) => ({ id: `E${i + 1}`, ...extra(i + 1) }));

function csvText(rows: Row[], drop: string[] = []): string {
  const keep = HEADER.map((h, i) => (drop.includes(h) ? -1 : i)).filter((i) => i >= 0);
  const line = (fields: string[]) => keep.map((i) => fields[i]).join(',');
  const body = rows.map((r) =>
    line([r.id, `Given${r.id}`, `Family${r.id}`, r.email ?? `${r.id.toLowerCase()}@example.com`, r.department ?? 'Engineering', r.title ?? 'Engineer', '', r.status ?? 'active', '2020-01-01', '', 'employee', r.location ?? 'Berlin']),
  );
  return `${[line(HEADER), ...body].join('\n')}\n`;
}

describe('sync of HR files in doubt into SQLite', () => {
  let dir: string;
  let store: IdentityStore;
  let clock: ManualClock;
  let sync: SyncService;
  let cfg: SourceConfig;
  let connector: SourceConnector;
  let warnings: Array<{ obj: Record<string, unknown>; msg?: string }>;
  const csvPath = () => join(dir, 'hr.csv');
  const write = (text: string) => writeFileSync(csvPath(), text);
  const byId = async (id: string) => (await store.getIdentity({ by: 'employeeId', value: id })) as Identity;
  const all = async () => store.listIdentities();

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'idsync-doubt-'));
    store = await openStore({ kind: 'sqlite', path: 'idsync.db' }, { baseDir: dir });
    clock = new ManualClock(new Date('2026-03-10T08:00:00Z'));
    // the default settle time of 5 s, waited on the test clock
    const sleep = async (ms: number) => clock.advance(ms);
    cfg = sourceSchema.parse({ name: 'hr', kind: 'csv', path: 'hr.csv' });
    connector = openSource(cfg, { baseDir: dir, clock, sleep });
    warnings = [];
    const log: Logger = { info() {}, debug() {}, error() {}, warn: (obj: object | string, msg?: string) => void warnings.push({ obj: obj as Record<string, unknown>, msg }), child: () => log };
    sync = new SyncService({ store, clock, policy: departmentGroupsPolicy, planner: noTargetsPlanner, identity, log, sources: [cfg] });
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function firstSync(rows: Row[]): Promise<void> {
    write(csvText(rows));
    expect((await sync.runSource(connector, cfg)).status).toBe('applied');
  }

  it('terminates nobody and leaves the cut row alone when the file is cut inside its last field', async () => {
    await firstSync(people(50));
    // 8 of 50 missing (16%, under the 20% hold) and the last row cut inside its last field: it looks whole
    const cut = csvText(people(42)).trimEnd().replace(/Berlin$/, 'Ber');
    write(cut);
    const run = await sync.runSource(connector, cfg);
    expect(run.status).toBe('incomplete');
    expect(run.reason).toContain('(final-newline check)');
    expect(run.counts).toMatchObject({ terminated: 0, updated: 0, writes: 0 });
    expect((await all()).filter((i) => i.state !== 'active')).toEqual([]);
    expect((await byId('E42')).attributes.location).toBe('Berlin');
    expect((await store.listRuns({ source: 'hr', limit: 1 }))[0]).toMatchObject({ id: run.id, status: 'incomplete', reason: run.reason });
    expect(warnings).toEqual([{ msg: 'source run incomplete', obj: expect.objectContaining({ runId: run.id, failedCheck: 'final-newline', reason: run.reason }) }]);

    // the same drop once whole: the 8 leavers go (16% is under the hold)
    write(csvText(people(42)));
    const whole = await sync.runSource(connector, cfg);
    expect(whole).toMatchObject({ status: 'applied', counts: { terminated: 8 } });
  });

  it('clears nobody\'s mail when the email column is missing, and reactivates nobody when status is', async () => {
    await firstSync(people(10, (i) => (i === 3 ? { status: 'leave' } : {})));
    expect((await byId('E3')).state).toBe('suspended');

    write(csvText(people(10), ['email']));
    const noMail = await sync.runSource(connector, cfg);
    expect(noMail.status).toBe('incomplete');
    expect(noMail.reason).toContain('has no column "email" in its header line');
    expect((await all()).every((i) => i.attributes.mail === `${i.employeeId!.toLowerCase()}@example.com`)).toBe(true);

    write(csvText(people(10), ['status']));
    const noStatus = await sync.runSource(connector, cfg);
    expect(noStatus.status).toBe('incomplete');
    expect(noStatus.reason).toContain('has no column "status" in its header line');
    expect((await byId('E3')).state).toBe('suspended');
    expect(noStatus.counts).toMatchObject({ reactivated: 0, writes: 0 });
  });

  it('holds a run that would clear one attribute for more people than the limits, naming it, and applies it when allowed', async () => {
    await firstSync(people(50));
    write(csvText(people(50, () => ({ email: '' }))));
    const held = await sync.runSource(connector, cfg);
    expect(held.status).toBe('held');
    expect(held.reason).toBe('run would change attribute "mail" (clearing it for 50) for 50 of 50 people (100.0%), more than the limit of 20%');
    expect((await byId('E1')).attributes.mail).toBe('e1@example.com');
    expect((await store.listRuns({ source: 'hr', status: ['held'] })).map((r) => r.id)).toEqual([held.id]);

    const allowed = await sync.allowRun(held.id, { kind: 'helpdesk', id: 'ann' });
    expect(allowed.status).toBe('allowed');
    expect((await all()).every((i) => !i.attributes.mail)).toBe(true);
  });

  it('holds a run that changes one attribute for 30% of people, by percent, and by count over maxAttributeChanges', async () => {
    await firstSync(people(50));
    write(csvText(people(50, (i) => (i <= 15 ? { department: 'Sales' } : {}))));
    const held = await sync.runSource(connector, cfg);
    expect(held).toMatchObject({ status: 'held', reason: 'run would change attribute "department" for 15 of 50 people (30.0%), more than the limit of 20%' });
    expect((await byId('E1')).attributes.department).toBe('Engineering');

    const strict = sourceSchema.parse({ name: 'hr', kind: 'csv', path: 'hr.csv', safety: { maxAttributeChanges: 5, maxAttributeChangePercent: 100 } });
    const byCount = await sync.runSource(openSource(strict, { baseDir: dir, clock, sleep: async (ms) => clock.advance(ms) }), strict);
    expect(byCount).toMatchObject({ status: 'held', reason: 'run would change attribute "department" for 15 people, more than the limit of 5' });
  });

  it('holds a mass reactivation like a mass termination and applies it when allowed', async () => {
    await firstSync(people(50, (i) => (i <= 15 ? { status: 'leave' } : {})));
    expect((await all()).filter((i) => i.state === 'suspended')).toHaveLength(15);
    write(csvText(people(50)));
    const held = await sync.runSource(connector, cfg);
    expect(held.status).toBe('held');
    expect(held.reason).toContain('run would reactivate or rehire 15 of 50 people (30.0%), more than the limit of 20%');
    expect((await all()).filter((i) => i.state === 'suspended')).toHaveLength(15);

    await sync.allowRun(held.id, { kind: 'helpdesk', id: 'ann' });
    expect((await all()).every((i) => i.state === 'active')).toBe(true);
  });

  it('defers a mass change in an incomplete run instead of applying it, and still applies the rest', async () => {
    await firstSync(people(50));
    // one malformed row (E20) makes the run incomplete; 15 title changes are a mass change, E50's move is not
    const rows = people(50, (i) => (i <= 15 ? { title: 'Intern' } : i === 50 ? { location: 'Munich' } : {}));
    write(csvText(rows).replace(/^(E20,.*)$/m, '$1,extra'));
    const run = await sync.runSource(connector, cfg);
    expect(run.status).toBe('incomplete');
    expect(run.reason).toMatch(/malformed row.*; access removals skipped and mass changes held back \(run would change attribute "title" for 15 of 50 people \(30\.0%\), more than the limit of 20%\) \(15 deferred\)$/);
    expect((await all()).filter((i) => i.attributes.title !== 'Engineer')).toEqual([]);
    expect((await byId('E50')).attributes.location).toBe('Munich');
  });
});
