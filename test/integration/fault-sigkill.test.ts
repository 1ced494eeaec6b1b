// The worker process killed with SIGKILL at random points 100 times while jobs run: every change is
// applied exactly once in effect (the fake target counts effects per account), none is lost.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/storage/sqlite/sqlite-store';
import { FakeTargetState } from '../../src/connectors/targets/fake/fake-state';
import { ProvisioningService } from '../../src/services/provisioning/service';
import type { Identity } from '../../src/domain/types';
import { commitPeople, deletePrefix, newIdentity, redisClient, REDIS_URL, target, testPrefix, until } from './provisioning-world';
import { bullTransport } from '../../src/queue/transport';
import { silentLogger } from '../../src/ports/logger';

const KILLS = Number(process.env.IDSYNC_FAULT_KILLS ?? 100);
jest.setTimeout(300_000);

describe('worker killed with SIGKILL (real Redis, SQLite store, child processes)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'idsync-sigkill-'));
  const prefix = testPrefix();
  const redis = redisClient();
  const gitea = target('gitea', {
    concurrency: 4,
    rateLimit: { max: 60, durationMs: 1000 },
    retries: { attempts: 1000, backoffMs: 20, maxBackoffMs: 200 },
    thresholds: { maxRemovals: 10000, maxRemovalPercent: 100 },
  });
  const storePath = join(dir, 'idsync.db');
  const store = new SqliteStore(storePath);
  const fakePath = join(dir, 'target.db');
  const fakeState = new FakeTargetState(fakePath);
  // the parent only dispatches (on its own commits, and by outbox sweeps); children work
  const dispatcher = new ProvisioningService({ store, transport: bullTransport(redis, prefix, silentLogger), targets: [gitea], connectors: new Map(), workers: false, sweepIntervalMs: 2000, staleAfterMs: 3000 });
  const children = new Set<ChildProcess>();
  const LANES = 2;
  const SPARES = 3;
  const verbose = !!process.env.IDSYNC_FAULT_VERBOSE;

  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await Promise.allSettled(spares);
    await dispatcher.close();
    await deletePrefix(redis, prefix);
    redis.disconnect();
    fakeState.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A loaded, idle worker process (a warm spare). */
  function spawnSpare(): Promise<ChildProcess> {
    const c = fork(join(__dirname, 'fault-worker-child.ts'), [], {
      execArgv: ['--require', join(__dirname, 'fault-worker-register.js')],
      env: { ...process.env, IDSYNC_FAULT_CHILD: JSON.stringify({ storePath, fakePath, prefix, redisUrl: REDIS_URL, target: gitea }) },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    children.add(c);
    c.once('exit', () => children.delete(c));
    return new Promise((resolve, reject) => {
      c.once('message', () => resolve(c));
      c.once('exit', (code) => reject(new Error(`worker exited with ${code} before it loaded`)));
    });
  }

  const spares: Promise<ChildProcess>[] = [];
  /** Starts serving a spare (keeping the pool full) and resolves once its workers run. */
  async function spawnWorker(): Promise<ChildProcess> {
    while (spares.length < SPARES) spares.push(spawnSpare());
    const c = await spares.shift()!;
    spares.push(spawnSpare());
    c.send('go');
    await new Promise((r) => c.once('message', r));
    return c;
  }

  async function killSoon(c: ChildProcess): Promise<void> {
    await new Promise((r) => setTimeout(r, 20 + Math.random() * 400));
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGKILL');
    await exited;
  }

  const open = async (): Promise<number> => (await store.listIntents({ status: ['pending', 'failed', 'held'] })).length;

  it(`applies every change exactly once in effect across ${KILLS} SIGKILLs`, async () => {
    await dispatcher.start();
    let people: Identity[] = [];
    const expected = new Map<string, { create: number; update: number; disable: number }>();
    const phases: (() => Promise<void>)[] = [
      async () => {
        people = await commitPeople(store, [gitea], Array.from({ length: 150 }, () => ({ before: null, after: newIdentity() })));
        for (const p of people) expected.set(p.username.toLowerCase(), { create: 1, update: 0, disable: 0 });
      },
    ];
    const moverRound = (round: number) => async () => {
      const movers = people.filter((p) => p.state === 'active');
      const after = await commitPeople(store, [gitea], movers.map((p) => ({ before: p, after: { ...p, attributes: { ...p.attributes, title: `Title ${round}` } } })));
      people = people.map((p) => after.find((a) => a.id === p.id) ?? p);
      for (const p of movers) expected.get(p.username.toLowerCase())!.update++;
    };
    const leavers = async () => {
      const out = people.filter((p) => p.state === 'active').slice(0, 40);
      const after = await commitPeople(store, [gitea], out.map((p) => ({ before: p, after: { ...p, state: 'terminated' as const } })));
      people = people.map((p) => after.find((a) => a.id === p.id) ?? p);
      for (const p of out) expected.get(p.username.toLowerCase())!.disable++;
    };
    phases.push(moverRound(1), leavers);
    for (let r = 2; r < 50; r++) phases.push(moverRound(r));

    const started = Date.now();
    let kills = 0;
    let phase = 0;
    await phases[phase++]();
    // Two worker lanes at once: each starts a worker, lets it run jobs for a random moment and kills
    // it. Loading a process costs 1-2 s of CPU, so warm spares load meanwhile.
    const lane = async (): Promise<void> => {
      while (kills < KILLS) {
        const c = await spawnWorker();
        await killSoon(c);
        kills++;
      }
    };
    const advance = async (): Promise<void> => {
      while (kills < KILLS) {
        if ((await open()) === 0 && phase < phases.length) await phases[phase++]();
        if (verbose) process.stderr.write(`kills=${kills} phase=${phase} open=${await open()} t=${Date.now() - started}\n`);
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    await Promise.all([advance(), ...Array.from({ length: LANES }, lane)]);
    const finalWorker = await spawnWorker();
    await until('every intent done', async () => (await open()) === 0, 120_000);
    finalWorker.kill('SIGTERM');
    await new Promise((r) => finalWorker.once('exit', r));
    const elapsed = Date.now() - started;

    const intents = await store.listIntents({});
    expect(intents.every((i) => i.status === 'done')).toBe(true);
    for (const p of people) {
      const effects = fakeState.effects(p.username);
      const want = expected.get(p.username.toLowerCase())!;
      expect({ user: p.username, create: effects.create ?? 0, update: effects.update ?? 0, disable: effects.disable ?? 0 }).toEqual({ user: p.username, ...want });
      const account = fakeState.byUserName(p.username)!;
      expect(account.active).toBe(p.state === 'active');
      if (p.state === 'active') expect(account.attributes.title).toBe(p.attributes.title);
    }
    console.log(`SIGKILL fault test: ${kills} kills over ${phase} phases, ${intents.length} intents, ${people.length} people, ${(elapsed / 1000).toFixed(1)} s`);
  });
});
