// Provisioning benchmark: changes applied per second against a local SCIM service provider
// (scimmy + express, in its own process), through the whole engine: outbox intents -> BullMQ (real
// Redis) -> workers -> SCIM connector, SQLite store. The reference is the same SCIM requests sent
// by a plain fetch client (scripts/lib/plain-scim-client.ts) at the same concurrency to the same
// server. Each round runs create, update (a title change) and disable for a fresh batch of people
// on both sides, one after the other, the order swapped every round so that load and the server's
// growing user count weigh on both; the ratio is taken per round and the median is reported.
//
//   npm run bench:provision -- --people 500 --rounds 5 --concurrency 16
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
const WARM_UP_PEOPLE = 100;

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
  readonly onApplied = (o: { plan: { action: string } }): void => void (o.plan.action !== 'none' && this.applied++);

  constructor(private readonly store: IdentityStore, private readonly target: TargetConfig) {}

  /** Applies `kind` to `people` (fresh people for create); returns the new states and changes per second. */
  async run(kind: ChangeKind, people: Identity[]): Promise<{ people: Identity[]; rate: number }> {
    const planner = createIntentPlanner([this.target]);
    const before = this.applied;
    const started = process.hrtime.bigint();
    const now = new Date().toISOString();
    const nexts = people.map(NEXT[kind]);
    const previous = kind === 'create' ? null : people;
    const intents = nexts.flatMap((x, i) => planner.intentsFor(previous?.[i] ?? null, x, randomUUID(), now));
    const res = await this.store.commit({ identities: nexts.map((x, i) => ({ identity: x, expectedRevision: previous?.[i].revision ?? null })), intents });
    while (this.applied - before < people.length) await new Promise((r) => setTimeout(r, 2));
    const rate = people.length / (Number(process.hrtime.bigint() - started) / 1e9);
    return { people: nexts.map((x) => ({ ...x, revision: res.revisions[x.id] })), rate };
  }
}

interface Phase {
  rate: number;
  requests: number;
  /** the SCIM server's CPU time over the phase's wall time: near 1 means the server was the limit */
  serverBusy: number;
}

interface Sample {
  kind: ChangeKind;
  idsync: number;
  plain: number;
  idsyncRequests: number;
  plainRequests: number;
  idsyncServerBusy: number;
  plainServerBusy: number;
}

async function main(): Promise<void> {
  const n = flag('people', 500);
  const rounds = flag('rounds', 5);
  const concurrency = flag('concurrency', 16);
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
  /** Runs one phase and reads the server's request count and CPU time around it. */
  const counted = async (work: () => Promise<number>): Promise<Phase> => {
    const before = await effects();
    const started = process.hrtime.bigint();
    const rate = await work();
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    const after = await effects();
    return { rate, requests: after.requests - before.requests, serverBusy: (after.cpuMs - before.cpuMs) / wallMs };
  };

  /** One round: each kind on both sides, idsync first or plain first. */
  const round = async (label: string, size: number, idsyncFirst: boolean): Promise<Sample[]> => {
    let people = Array.from({ length: size }, (_, i) => person(`bench-${label}-${i}`, i));
    const plainNames = Array.from({ length: size }, (_, i) => `plain-${label}-${i}`);
    const samples: Sample[] = [];
    for (const kind of KINDS) {
      const runIdsync = () => counted(async () => {
        const r = await idsync.run(kind, people);
        people = r.people;
        return r.rate;
      });
      const runPlain = () => counted(() => plain.run(kind, plainNames, concurrency));
      const ours = idsyncFirst ? await runIdsync() : null;
      const ref = await runPlain();
      const a = ours ?? (await runIdsync());
      samples.push({
        kind, idsync: a.rate, plain: ref.rate, idsyncRequests: a.requests / size, plainRequests: ref.requests / size, idsyncServerBusy: a.serverBusy, plainServerBusy: ref.serverBusy,
      });
    }
    return samples;
  };

  const loadBefore = loadavg();
  try {
    await round('warm', WARM_UP_PEOPLE, true);
    const all: Sample[][] = [];
    for (let r = 0; r < rounds; r++) all.push(await round(`r${r}`, n, r % 2 === 0));
    report(all, { n, rounds, concurrency, loadBefore, loadAfter: loadavg() });
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

function report(all: Sample[][], o: { n: number; rounds: number; concurrency: number; loadBefore: number[]; loadAfter: number[] }): void {
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  console.log(`provisioning benchmark: ${o.rounds} rounds of ${o.n} people per kind, SCIM (scimmy) target, concurrency ${o.concurrency}, real Redis, SQLite store`);
  console.log(`load average ${load(o.loadBefore)} before, ${load(o.loadAfter)} after`);
  console.log('plain = the same SCIM requests per change sent with fetch, same concurrency, same server, order swapped every round');
  console.log('per round: changes/s idsync/plain = ratio (SCIM server CPU time / wall time, idsync phase/plain phase)');
  all.forEach((samples, r) => {
    const cells = samples.map((s) => `${s.kind} ${s.idsync.toFixed(0)}/${s.plain.toFixed(0)} = ${(s.idsync / s.plain).toFixed(2)} (server busy ${s.idsyncServerBusy.toFixed(2)}/${s.plainServerBusy.toFixed(2)})`);
    console.log(`round ${r + 1} (${r % 2 === 0 ? 'idsync first' : 'plain first'}): ${cells.join(' | ')}`);
  });
  for (const kind of KINDS) {
    const s = all.map((samples) => samples.find((x) => x.kind === kind)!);
    console.log(
      `${kind.padEnd(8)} idsync ${median(s.map((x) => x.idsync)).toFixed(0)} changes/s (${median(s.map((x) => x.idsyncRequests)).toFixed(2)} requests/change) | ` +
        `plain ${median(s.map((x) => x.plain)).toFixed(0)} changes/s (${median(s.map((x) => x.plainRequests)).toFixed(2)} requests/change) | ` +
        `idsync/plain median ${median(s.map((x) => x.idsync / x.plain)).toFixed(2)} (per round ${s.map((x) => (x.idsync / x.plain).toFixed(2)).join(' ')})`,
    );
  }
}

(process.argv.includes('--serve-scim') ? serveScim() : main()).catch((err) => {
  console.error(`benchmark failed: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
