// Provisioning benchmark: changes applied per second against a local SCIM service provider
// (scimmy + express, in its own process), through the whole engine: outbox intents -> BullMQ (real
// Redis) -> workers -> SCIM connector, SQLite store. The reference is the same SCIM requests sent
// by a plain fetch client (scripts/lib/plain-scim-client.ts) at the same concurrency to the same
// server. After a warm-up round, each round runs create, update (a title change) and disable for a
// fresh batch of people on both sides, in chunks that alternate between idsync and plain, so that
// load from elsewhere and the server's growing user count weigh on both; the ratio is taken per
// round and per kind, and the median over rounds is reported. idsync's time for a chunk runs from
// its commit (identities and outbox intents) to the last pair applied, so each chunk pays the
// commit-to-first-job latency once (tens of ms); a sync commits up to 5000 changes per batch, so a
// chunk of 200 still overstates that share, and smaller chunks overstate it more.
//
//   npm run bench:provision -- --people 600 --rounds 5 --chunk 200 --concurrency 16
import { randomBytes, randomUUID } from 'node:crypto';
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { targetSchema, type TargetConfig } from '../src/config/sections/targets';
import { openTarget } from '../src/connectors/targets';
import { createIntentPlanner } from '../src/domain/provisioning';
import type { Identity } from '../src/domain/types';
import { silentLogger } from '../src/ports/logger';
import type { IdentityStore } from '../src/ports/identity-store';
import { bullTransport } from '../src/queue/transport';
import { deletePrefix } from '../src/redis/keys';
import { ProvisioningService } from '../src/services/provisioning/service';
import { SqliteStore } from '../src/storage/sqlite/sqlite-store';
import { startScimServer } from '../test/fakes/scim-server';
import { PlainScimClient, type ChangeKind } from './lib/plain-scim-client';

const KINDS: ChangeKind[] = ['create', 'update', 'disable'];

/** The SCIM provider runs in its own process, as a real one would: it must not share our event loop. */
async function serveScim(): Promise<void> {
  const scim = await startScimServer({ caseInsensitiveFilter: true });
  process.on('message', () => {
    const cpu = process.cpuUsage();
    process.send?.({ requests: scim.effects.requests, cpuMs: (cpu.user + cpu.system) / 1000 });
  });
  process.send?.({ url: scim.url, token: scim.token });
}

function ask<T>(child: ChildProcess, message?: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const exited = (code: number | null) => reject(new Error(`SCIM process exited with ${code}`));
    child.once('exit', exited);
    child.once('message', (m) => {
      child.off('exit', exited);
      resolve(m as T);
    });
    if (message !== undefined) child.send(message as object);
  });
}

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer`);
  return v;
}

let serial = 0;
/** uidNumber and employeeId are unique in the store: numbered across rounds. */
function person(userName: string, i: number): Identity {
  const now = new Date().toISOString();
  const k = serial++;
  return {
    id: randomUUID(), revision: 0, username: userName, uidNumber: 10000 + k, employeeId: `B${k}`, state: 'active', stateChangedAt: now,
    attributes: { givenName: `Given${i}`, sn: `Bench${i}`, displayName: `Given${i} Bench${i}`, mail: `${userName}@example.com`, employeeId: `B${k}`, department: 'Engineering', title: 'Engineer' },
    provenance: {}, links: [], entitlements: [{ kind: 'account', name: 'app', values: [], rule: 'builtin:all-active' }], createdAt: now, updatedAt: now,
  };
}

const NEXT: Record<ChangeKind, (p: Identity) => Identity> = {
  create: (p) => p,
  update: (p) => ({ ...p, attributes: { ...p.attributes, title: 'Senior Engineer' } }),
  disable: (p) => ({ ...p, state: 'terminated', entitlements: [] }),
};

/** Drives idsync the way a sync does: one commit of the changed identities with their outbox intents. */
class IdsyncDriver {
  private applied = 0;
  private waiting: { count: number; done: () => void } | null = null;
  /** Counts applied changes and wakes run() at its count: no polling timer spends our CPU meanwhile. */
  readonly onApplied = (o: { plan: { action: string } }): void => {
    if (o.plan.action === 'none') return;
    this.applied++;
    if (this.waiting && this.applied >= this.waiting.count) this.waiting.done();
  };

  constructor(private readonly store: IdentityStore, private readonly target: TargetConfig) {}

  /** Applies `kind` to `people` (fresh people for create) and waits until every pair is applied. */
  async run(kind: ChangeKind, people: Identity[]): Promise<Identity[]> {
    const planner = createIntentPlanner([this.target]);
    const before = this.applied;
    const now = new Date().toISOString();
    const nexts = people.map(NEXT[kind]);
    const previous = kind === 'create' ? null : people;
    const intents = nexts.flatMap((x, i) => planner.intentsFor(previous?.[i] ?? null, x, randomUUID(), now));
    const res = await this.store.commit({ identities: nexts.map((x, i) => ({ identity: x, expectedRevision: previous?.[i].revision ?? null })), intents });
    if (this.applied - before < people.length) await new Promise<void>((done) => (this.waiting = { count: before + people.length, done }));
    this.waiting = null;
    return nexts.map((x) => ({ ...x, revision: res.revisions[x.id] }));
  }
}

/** What one side spent on one kind of change in one round, summed over its chunks. */
interface Tally {
  wallMs: number;
  requests: number;
  /** the SCIM server's CPU time: over wallMs, near 1 means the server was the limit */
  serverCpuMs: number;
  /** this process's CPU time: idsync's whole engine, or the plain client */
  clientCpuMs: number;
}

interface Sample {
  kind: ChangeKind;
  changes: number;
  idsync: Tally;
  plain: Tally;
}

const zero = (): Tally => ({ wallMs: 0, requests: 0, serverCpuMs: 0, clientCpuMs: 0 });
const rate = (t: Tally, changes: number) => changes / (t.wallMs / 1000);

async function main(): Promise<void> {
  const n = flag('people', 600);
  const rounds = flag('rounds', 5);
  const concurrency = flag('concurrency', 16);
  const chunk = flag('chunk', 200);
  const prefix = `idsync-bench-${randomBytes(4).toString('hex')}`;
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
  const child = fork(__filename, ['--serve-scim'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const scim = await ask<{ url: string; token: string }>(child);
  const target = targetSchema.parse({ name: 'app', kind: 'scim', url: scim.url, token: scim.token, concurrency, rateLimit: { max: 100000, durationMs: 1000 }, thresholds: { maxRemovals: 1e6, maxRemovalPercent: 100 } });
  const connector = openTarget(target as typeof target & { [k: string]: unknown });
  const dir = mkdtempSync(join(tmpdir(), 'idsync-bench-'));
  const store = new SqliteStore(join(dir, 'idsync.db'));
  const idsync = new IdsyncDriver(store, target);
  const plain = new PlainScimClient(scim);
  const service = new ProvisioningService({ store, transport: bullTransport(redis, prefix, silentLogger), targets: [target], connectors: new Map([['app', connector]]), onApplied: idsync.onApplied });
  await service.start();
  const effects = () => ask<{ requests: number; cpuMs: number }>(child, 'effects');
  /** Runs one chunk and adds its wall time, the server's requests and CPU, and ours to `into`. */
  const measure = async (into: Tally, work: () => Promise<void>): Promise<void> => {
    const before = await effects();
    const started = process.hrtime.bigint();
    const cpu = process.cpuUsage();
    await work();
    const ours = process.cpuUsage(cpu);
    into.wallMs += Number(process.hrtime.bigint() - started) / 1e6;
    const after = await effects();
    into.requests += after.requests - before.requests;
    into.serverCpuMs += after.cpuMs - before.cpuMs;
    into.clientCpuMs += (ours.user + ours.system) / 1000;
  };

  /**
   * One round: for each kind, the batch in chunks, idsync's and plain's chunks alternating (who
   * starts swaps every round), so a burst of load from elsewhere lands on both sides alike.
   */
  const round = async (label: string, size: number, idsyncFirst: boolean): Promise<Sample[]> => {
    const people = Array.from({ length: size }, (_, i) => person(`bench-${label}-${i}`, i));
    const plainNames = Array.from({ length: size }, (_, i) => `plain-${label}-${i}`);
    const samples: Sample[] = [];
    for (const kind of KINDS) {
      const sample: Sample = { kind, changes: size, idsync: zero(), plain: zero() };
      for (let at = 0, turn = 0; at < size; at += chunk, turn++) {
        const end = Math.min(size, at + chunk);
        const ours = () => measure(sample.idsync, async () => void people.splice(at, end - at, ...(await idsync.run(kind, people.slice(at, end)))));
        const ref = () => measure(sample.plain, () => plain.run(kind, plainNames.slice(at, end), concurrency));
        for (const side of (turn % 2 === 0) === idsyncFirst ? [ours, ref] : [ref, ours]) await side();
      }
      samples.push(sample);
    }
    return samples;
  };

  const loadBefore = loadavg();
  try {
    await round('warm', Math.min(n, 2 * chunk), true);
    const all: Sample[][] = [];
    for (let r = 0; r < rounds; r++) all.push(await round(`r${r}`, n, r % 2 === 0));
    report(all, { n, rounds, concurrency, chunk, loadBefore, loadAfter: loadavg() });
  } finally {
    await service.close();
    await connector.close?.();
    child.kill('SIGTERM');
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    await deletePrefix(redis, prefix);
    redis.disconnect();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function report(all: Sample[][], o: { n: number; rounds: number; concurrency: number; chunk: number; loadBefore: number[]; loadAfter: number[] }): void {
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  const ratio = (s: Sample) => rate(s.idsync, s.changes) / rate(s.plain, s.changes);
  console.log(`provisioning benchmark: ${o.rounds} rounds of ${o.n} people per kind in chunks of ${o.chunk}, SCIM (scimmy) target, concurrency ${o.concurrency}, real Redis, SQLite store`);
  console.log(`load average ${load(o.loadBefore)} before, ${load(o.loadAfter)} after`);
  console.log('plain = the same SCIM requests per change sent with fetch, same concurrency, same server; chunks alternate between the two sides');
  console.log('per round: changes/s idsync/plain = ratio (SCIM server CPU time / wall time, idsync/plain)');
  all.forEach((samples, r) => {
    const busy = (t: Tally) => (t.serverCpuMs / t.wallMs).toFixed(2);
    const cells = samples.map((s) => `${s.kind} ${rate(s.idsync, s.changes).toFixed(0)}/${rate(s.plain, s.changes).toFixed(0)} = ${ratio(s).toFixed(2)} (server ${busy(s.idsync)}/${busy(s.plain)})`);
    console.log(`round ${r + 1}: ${cells.join(' | ')}`);
  });
  for (const kind of KINDS) {
    const s = all.map((samples) => samples.find((x) => x.kind === kind)!);
    const med = (f: (x: Sample) => number, digits: number) => median(s.map(f)).toFixed(digits);
    console.log(
      `${kind.padEnd(8)} idsync ${med((x) => rate(x.idsync, x.changes), 0)} changes/s (${med((x) => x.idsync.requests / x.changes, 2)} requests/change) | ` +
        `plain ${med((x) => rate(x.plain, x.changes), 0)} changes/s (${med((x) => x.plain.requests / x.changes, 2)} requests/change) | ` +
        `idsync/plain median ${med(ratio, 2)} (per round ${s.map((x) => ratio(x).toFixed(2)).join(' ')}) | ` +
        `our CPU ms/change idsync ${med((x) => x.idsync.clientCpuMs / x.changes, 2)}, plain ${med((x) => x.plain.clientCpuMs / x.changes, 2)}`,
    );
  }
}

(process.argv.includes('--serve-scim') ? serveScim() : main()).catch((err) => {
  console.error(`benchmark failed: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
