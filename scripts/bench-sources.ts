// Source benchmark: N people and G groups served over HTTP by the Okta fake and by the Graph fake,
// read and applied into a fresh SQLite store by the daemon's engine (buildEngine from src/app, with
// its Redis lock): a first full run, then an incremental run after 1% of the people (title) and 1%
// of the groups (one member less) changed. Prints wall time, CPU time, requests and peak RSS per
// phase, for idsync and for the fake.
// Usage: node dist/scripts/bench-sources.js [--people 100000] [--groups 5000] [--only okta|entra]
//
// Each source kind runs in a process of its own (so one kind's peak RSS is not the other's) and its
// fake in another (so the fake's CPU and memory are not idsync's). V8's default heap limit applies.
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { loadConfig } from '../src/config/loader';
import { buildEngine, type RunReport } from '../src/app/engine';
import { openAuditedStore } from '../src/app/infrastructure';
import { silentLogger } from '../src/ports/logger';
import type { SourceSnapshot } from '../src/ports/source-connector';
import { deletePrefix } from '../src/redis/keys';
import { ask, serveFake, type FakeKind, type FakeReady, type FakeStats } from './lib/source-fake-host';

const KINDS: FakeKind[] = ['okta', 'entra'];
const TARGETS = { firstSeconds: 60, incrementalSeconds: 5, rssMb: 1024 };

interface PhaseResult {
  phase: 'first' | 'incremental';
  seconds: number;
  cpuSeconds: number;
  requests: number;
  /** RSS sampled every 50 ms during the phase (a lower bound: a long synchronous step is not sampled) */
  sampledPeakRssMb: number;
  /** process.resourceUsage().maxRSS after the phase: the peak so far, this phase or an earlier one */
  maxRssMb: number;
  read: { records: number; removed: number; groups: number | null; mode: string };
  /** groups of this source in the store after the phase (origin `source:<name>`), members counted */
  stored: { groups: number; memberships: number };
  counts: RunReport['counts'];
  fake: { cpuSeconds: number; maxRssMb: number };
}

interface KindResult {
  kind: FakeKind;
  fakeLoadMs: number;
  changed: { users: number; groups: number };
  phases: PhaseResult[];
}

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive whole number`);
  return v;
}

function configYaml(kind: FakeKind, dir: string, prefix: string, source: Record<string, string>, people: number): string {
  // the bench measures the sync: 1,000 title changes and the first run's suspended people are applied, not held
  const safety = `{ maxRemovals: ${people}, maxAttributeChanges: ${people} }`;
  const keys = Object.entries(source).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(', ');
  return [
    `store: { kind: sqlite, path: ${JSON.stringify(join(dir, 'idsync.db'))} }`,
    `redis: { url: ${JSON.stringify(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')}, prefix: ${prefix} }`,
    'sources:',
    `  - { name: ${kind}, kind: ${kind}, ${keys}, safety: ${safety}, groups: {} }`,
    '',
  ].join('\n');
}

/** One kind, in this (child) process: fake in a grandchild, engine and store here. */
async function runKind(kind: FakeKind, people: number, groups: number): Promise<KindResult> {
  const fake = fork(__filename, ['--serve', kind, '--people', String(people), '--groups', String(groups)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = await ask<FakeReady>(fake);
  const dir = mkdtempSync(join(tmpdir(), `idsync-bench-sources-${kind}-`));
  const prefix = `idsync-bench-${randomBytes(4).toString('hex')}`;
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
  const file = join(dir, 'idsync.yaml');
  writeFileSync(file, configYaml(kind, dir, prefix, ready.source, people));
  const loaded = loadConfig(file, { baseDir: dir });
  const audited = await openAuditedStore(loaded, silentLogger);
  const engine = buildEngine({ loaded, store: audited.store, log: silentLogger }, { redis });
  const { connector } = engine.sources.get(kind)!;
  let lastRead: SourceSnapshot | null = null;
  const read = connector.read.bind(connector);
  connector.read = async (ctx) => (lastRead = await read(ctx));
  const storedGroups = async () => {
    const mine = (await audited.store.listGroups()).filter((g) => g.origin === `source:${kind}`);
    const members = (g: object) => ('members' in g && Array.isArray(g.members) ? g.members.length : 0);
    return { groups: mine.length, memberships: mine.reduce((n, g) => n + members(g), 0) };
  };
  const phase = async (name: PhaseResult['phase']): Promise<PhaseResult> => {
    const before = await ask<FakeStats>(fake, 'stats');
    let sampled = 0;
    const sampler = setInterval(() => (sampled = Math.max(sampled, process.memoryUsage.rss())), 50);
    const cpu = process.cpuUsage();
    const start = process.hrtime.bigint();
    const outcome = await engine.runSource(kind);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const used = process.cpuUsage(cpu);
    clearInterval(sampler);
    const after = await ask<FakeStats>(fake, 'stats');
    if (!outcome.ran) throw new Error(`${kind} ${name} run did not run: ${outcome.reason}`);
    if (outcome.report.status !== 'applied') throw new Error(`${kind} ${name} run ended ${outcome.report.status}: ${outcome.report.reason}`);
    const snap = lastRead as SourceSnapshot | null;
    lastRead = null; // let the records go before the next phase
    return {
      phase: name,
      seconds,
      cpuSeconds: (used.user + used.system) / 1e6,
      requests: after.requests - before.requests,
      sampledPeakRssMb: Math.round(Math.max(sampled, process.memoryUsage.rss()) / 1048576),
      maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      read: { records: snap?.records.length ?? 0, removed: snap?.removed?.length ?? 0, groups: snap?.groups?.length ?? null, mode: snap?.mode ?? '?' },
      counts: outcome.report.counts,
      stored: await storedGroups(),
      fake: { cpuSeconds: (after.cpuMs - before.cpuMs) / 1000, maxRssMb: after.maxRssMb },
    };
  };
  try {
    const first = await phase('first');
    const changed = await ask<{ users: number; groups: number }>(fake, 'change');
    const incremental = await phase('incremental');
    return { kind, fakeLoadMs: ready.loadMs, changed, phases: [first, incremental] };
  } finally {
    await engine.close();
    await audited.close();
    fake.disconnect();
    await deletePrefix(redis, prefix);
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
}

function verdict(p: PhaseResult): string {
  const limit = p.phase === 'first' ? TARGETS.firstSeconds : TARGETS.incrementalSeconds;
  const ok = p.seconds < limit && p.maxRssMb < TARGETS.rssMb;
  return `${ok ? 'within' : 'MISSES'} target (< ${limit} s, < ${TARGETS.rssMb} MB)`;
}

function print(results: KindResult[], people: number, groups: number, load: number[]): void {
  console.log(`source benchmark: ${people} people, ${groups} groups, over HTTP from a fake in its own process; SQLite store; the daemon's engine with its Redis lock`);
  console.log(`load average at start ${load.map((l) => l.toFixed(2)).join(' ')}, at end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  for (const r of results) {
    console.log(`\n${r.kind} (fake loaded in ${(r.fakeLoadMs / 1000).toFixed(1)} s; the incremental run follows ${r.changed.users} changed people and ${r.changed.groups} changed groups)`);
    for (const p of r.phases) {
      const c = p.counts;
      console.log(
        `  ${p.phase.padEnd(11)} ${p.seconds.toFixed(2).padStart(7)} s wall, ${p.cpuSeconds.toFixed(2)} s CPU, ${p.requests} requests, ` +
          `peak RSS ${p.maxRssMb} MB (sampled in phase ${p.sampledPeakRssMb} MB) -> ${verdict(p)}`,
      );
      console.log(
        `              read ${p.read.mode}: ${p.read.records} people, ${p.read.removed} removed, ${p.read.groups ?? 'no'} groups; ` +
          `created ${c.created}, updated ${c.updated}, suspended ${c.suspended}, terminated ${c.terminated}, unchanged ${c.unchanged}, writes ${c.writes}`,
      );
      console.log(`              stored: ${p.stored.groups} groups of this source, ${p.stored.memberships} memberships`);
      console.log(`              fake: ${p.fake.cpuSeconds.toFixed(2)} s CPU, peak RSS ${p.fake.maxRssMb} MB`);
    }
  }
  console.log(`\n${JSON.stringify({ people, groups, results })}`);
}

async function main(): Promise<void> {
  const people = flag('people', 100_000);
  const groups = flag('groups', 5_000);
  const only = process.argv[process.argv.indexOf('--only') + 1];
  const kinds = process.argv.includes('--only') ? KINDS.filter((k) => k === only) : KINDS;
  if (kinds.length === 0) throw new Error(`--only must be one of ${KINDS.join(', ')}`);
  const load = loadavg();
  const results: KindResult[] = [];
  for (const kind of kinds) {
    const child = fork(__filename, ['--run', kind, '--people', String(people), '--groups', String(groups)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    results.push(await ask<KindResult>(child));
    child.disconnect();
  }
  print(results, people, groups, load);
}

async function dispatch(): Promise<void> {
  const role = process.argv.includes('--serve') ? 'serve' : process.argv.includes('--run') ? 'run' : 'main';
  if (role === 'main') return main();
  const kind = process.argv[process.argv.indexOf(`--${role}`) + 1] as FakeKind;
  if (!KINDS.includes(kind)) throw new Error(`unknown source kind ${kind}`);
  if (role === 'serve') return serveFake(kind, flag('people', 100_000), flag('groups', 5_000));
  const result = await runKind(kind, flag('people', 100_000), flag('groups', 5_000));
  process.send!(result, () => process.exit(0));
}

dispatch().catch((err) => {
  console.error(`bench-sources failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
