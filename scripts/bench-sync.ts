// Sync benchmark: N generated people through the HR CSV source into SQLite. Prints one JSON line:
// times of a first full sync, a no-change run and a 1%-changed run, writes per run, peak RSS.
// Usage: node dist/scripts/bench-sync.js [--people N] [--keep]
//
// Runs in this process with V8's default heap limit (no --max-old-space-size): what the daemon gets.
// Times are wall clock; cpuMs is this process's CPU time, which a busy shared machine inflates less.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { join } from 'node:path';
import { sourceSchema, type SourceConfig } from '../src/config/sections/sources';
import { openSource } from '../src/connectors/sources';
import { noTargetsPlanner } from '../src/ports/access-policy';
import { systemClock } from '../src/ports/clock';
import { departmentGroupsPolicy } from '../src/services/policy/department-groups';
import { SyncService, silentLogger, type RunReport } from '../src/services/sync';
import { openStore } from '../src/storage';

const HEADER = 'employee_id,first_name,last_name,email,department,title,manager_id,status,start_date,end_date,employee_type,location';
const GIVEN = ['Anna', 'José', 'John', 'Łukasz', 'Zoë', 'Priya', 'Chen', 'Fatima', 'Søren', 'Emily', 'Oğuz', 'Grace'];
const FAMILY = ['Smith', 'Müller', 'García', 'Nowak', 'Ångström', 'Patel', 'Wei', 'Okafor', 'Dubois', 'Rossi', 'Yılmaz', "O'Brien"];
const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'su', 'ta', 'vo', 'ri', 'de', 'ba', 'ze', 'po', 'gu', 'fi', 'ho', 'je'];
const DEPARTMENTS = ['Engineering', 'Sales', 'Research & Development', 'Finance', 'Operations', 'Marketing', 'People', 'Customer Support'];

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** One CSV line per person; `titleSuffix` changes the title of every 100th person (the 1% run). */
function hrFile(people: number, changedTitle: boolean): string {
  const lines = [HEADER];
  for (let i = 0; i < people; i++) {
    const given = GIVEN[i % GIVEN.length];
    // mostly distinct family names, with a few hundred people per common name to exercise collisions
    const family = i % 10 === 0 ? FAMILY[i % FAMILY.length] : `${FAMILY[i % FAMILY.length]}${SYLLABLES[(i >> 3) % SYLLABLES.length]}${SYLLABLES[(i >> 7) % SYLLABLES.length]}`;
    const title = changedTitle && i % 100 === 0 ? 'Senior Engineer' : 'Engineer';
    const status = i % 50 === 0 ? 'leave' : 'active';
    lines.push(`E${100000 + i},${given},${family},p${i}@example.com,${DEPARTMENTS[i % DEPARTMENTS.length]},${title},E${100000 + (i % 1000)},${status},2020-01-01,,employee,Site ${i % 40}`);
  }
  return lines.join('\n') + '\n';
}

/** Wall time and this process's CPU time: on a shared machine the CPU time shows our own cost. */
async function timed(label: string, fn: () => Promise<RunReport>): Promise<{ ms: number; cpuMs: number; rssMb: number; report: Pick<RunReport, 'counts'> }> {
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const report = await fn();
  const ms = Number((process.hrtime.bigint() - start) / 1_000_000n);
  const used = process.cpuUsage(cpu);
  if (report.status !== 'applied') throw new Error(`${label} run ended ${report.status}: ${report.reason}`);
  // keep only the counts: holding 100,000 per-person changes would distort the next run's RSS
  const rssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  return { ms, cpuMs: Math.round((used.user + used.system) / 1000), rssMb, report: { counts: report.counts } };
}

/** A fixed CPU workload timed before the runs, to scale the numbers on a busy shared machine. */
function calibrationMs(): number {
  const start = process.hrtime.bigint();
  const rows = [];
  for (let i = 0; i < 100_000; i++) rows.push(JSON.parse(JSON.stringify({ id: `x${i}`, attrs: { a: 'b', c: 'd' }, n: [1, 2, 3] })));
  return Number((process.hrtime.bigint() - start) / 1_000_000n) + rows.length * 0;
}

async function main(): Promise<void> {
  const people = Number(argValue('--people') ?? 100_000);
  if (!Number.isInteger(people) || people <= 0) throw new Error('--people must be a positive whole number');
  const loadAtStart = loadavg()[0];
  const calibration = calibrationMs();
  const dir = mkdtempSync(join(tmpdir(), 'idsync-bench-sync-'));
  const csvPath = join(dir, 'hr.csv');
  writeFileSync(csvPath, hrFile(people, false));
  const store = await openStore({ kind: 'sqlite', path: join(dir, 'idsync.db') });
  try {
    // the bench measures the sync itself: the file is whole before it is read (no settle wait), and
    // the 1% run (1,000 title changes at 100,000 people) is applied, not held as a mass change
    const safety = { maxAttributeChanges: people };
    const cfg: SourceConfig = sourceSchema.parse({ name: 'hr', kind: 'csv', path: csvPath, settleSeconds: 0, safety });
    const connector = openSource(cfg, { baseDir: dir });
    const identity = { uidNumberStart: 10000, gidNumberStart: 20000, defaultGroup: 'staff', usernameMaxLength: 20 };
    const sync = new SyncService({ store, clock: systemClock, policy: departmentGroupsPolicy, planner: noTargetsPlanner, identity, log: silentLogger, sources: [cfg] });
    const first = await timed('first', () => sync.runSource(connector, cfg));
    const noChange = await timed('no-change', () => sync.runSource(connector, cfg));
    writeFileSync(csvPath, hrFile(people, true));
    const onePercent = await timed('1%-changed', () => sync.runSource(connector, cfg));
    console.log(
      JSON.stringify({
        people,
        store: 'sqlite',
        firstSyncMs: first.ms,
        noChangeMs: noChange.ms,
        onePercentChangedMs: onePercent.ms,
        cpuMs: { first: first.cpuMs, noChange: noChange.cpuMs, onePercentChanged: onePercent.cpuMs },
        peakRssMbAfter: { first: first.rssMb, noChange: noChange.rssMb, onePercentChanged: onePercent.rssMb },
        calibrationMs: calibration,
        loadAverage: { atStart: Number(loadAtStart.toFixed(1)), atEnd: Number(loadavg()[0].toFixed(1)) },
        v8HeapLimitMb: Math.round(getHeapStatistics().heap_size_limit / 1048576),
        writes: { first: first.report.counts.writes, noChange: noChange.report.counts.writes, onePercentChanged: onePercent.report.counts.writes },
        created: first.report.counts.created,
        updated: onePercent.report.counts.updated,
        peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      }),
    );
  } finally {
    await store.close();
    if (!process.argv.includes('--keep')) rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`bench-sync failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
