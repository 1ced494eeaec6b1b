// The source lock against real holder processes: a SIGKILLed holder on this host is taken over at
// once, a live one is named, and a holder paused past its TTL (SIGSTOP) cannot commit when it wakes.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { sourceSchema } from '../../src/config/sections/sources';
import { openSource } from '../../src/connectors/sources';
import { noTargetsPlanner } from '../../src/ports/access-policy';
import { systemClock } from '../../src/ports/clock';
import { fenceKey, readHolder, redisLocks, tryAcquireLock } from '../../src/redis/lock';
import { processStartTime } from '../../src/redis/holder-liveness';
import { departmentGroupsPolicy } from '../../src/services/policy/department-groups';
import { fencedCommitGuard, LockLostError, runSourceLocked, sourceLockKey } from '../../src/services/scheduling/source-runner';
import { SyncService, silentLogger } from '../../src/services/sync';
import { openStore } from '../../src/storage';
import { hrCsv } from '../helpers/cli';
import { deletePrefix, REDIS_URL, testPrefix } from './provisioning-world';

jest.setTimeout(60_000);

const prefix = testPrefix();
const redis = new Redis(REDIS_URL);
const dir = mkdtempSync(join(tmpdir(), 'idsync-lock-'));
const children = new Set<ChildProcess>();

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await deletePrefix(redis, prefix);
  redis.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

function child(env: Record<string, unknown>): ChildProcess {
  const c = fork(join(__dirname, 'lock-holder-child.ts'), [], {
    execArgv: ['--require', join(__dirname, 'fault-worker-register.js')],
    env: { ...process.env, IDSYNC_LOCK_CHILD: JSON.stringify({ redisUrl: REDIS_URL, prefix, ...env }) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.add(c);
  c.once('exit', () => children.delete(c));
  return c;
}

function nextMessage<T>(c: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    c.once('message', (m) => resolve(m as T));
    c.once('exit', (code) => reject(new Error(`child exited with ${code}`)));
  });
}

async function kill(c: ChildProcess): Promise<void> {
  const exited = new Promise((r) => c.once('exit', r));
  c.kill('SIGKILL');
  await exited;
}

describe('source lock holder record', () => {
  it('records host, pid, process start and an increasing fence', async () => {
    const key = `${prefix}:rec`;
    const one = await tryAcquireLock(redis, key, 5000);
    expect(one.lock!.holder).toMatchObject({ host: hostname(), pid: process.pid, pidStart: processStartTime(process.pid) });
    expect(await readHolder(redis, key)).toEqual(one.lock!.holder);
    await one.lock!.release();
    const two = await tryAcquireLock(redis, key, 5000);
    expect(two.lock!.holder.fence).toBe(one.lock!.holder.fence + 1);
    await two.lock!.release();
    expect(await redis.get(fenceKey(key))).toBe(String(two.lock!.holder.fence));
  });

  it('takes over at once the lock of a SIGKILLed holder on this host', async () => {
    const c = child({ mode: 'hold', ttlMs: 60_000 });
    const { locked } = await nextMessage<{ locked: { pid: number; fence: number } }>(c);
    expect(locked.pid).toBe(c.pid);
    const key = sourceLockKey(prefix, 'hr');
    expect((await tryAcquireLock(redis, key, 5000)).lock).toBeNull(); // alive: not taken
    await kill(c);
    const started = Date.now();
    const after = await tryAcquireLock(redis, key, 5000);
    expect(Date.now() - started).toBeLessThan(1000); // not after the 60 s TTL
    expect(after.lock).not.toBeNull();
    expect(after.lock && after.tookOverFrom).toMatchObject({ pid: c.pid, fence: locked.fence });
    expect(after.lock!.holder.fence).toBeGreaterThan(locked.fence);
    await after.lock!.release();
  });

  it('treats a reused pid (same pid, other start time) as dead, and never judges another host', async () => {
    const key = `${prefix}:reused`;
    const reused = { token: 't1', fence: 1, host: hostname(), pid: process.pid, pidStart: '1', acquiredAt: 'x' };
    await redis.set(key, JSON.stringify(reused), 'PX', 60_000);
    const got = await tryAcquireLock(redis, key, 5000);
    expect(got.lock && got.tookOverFrom).toMatchObject({ token: 't1' });
    await got.lock!.release();
    const remote = { ...reused, host: `not-${hostname()}`, pid: 999_999_999 };
    await redis.set(key, JSON.stringify(remote), 'PX', 60_000);
    expect(await tryAcquireLock(redis, key, 5000)).toEqual({ lock: null, holder: remote });
  });

  it('names a live holder in the skipped run reason', async () => {
    const c = child({ mode: 'hold', ttlMs: 60_000 });
    await nextMessage(c);
    const cfg = { name: 'hr' } as never;
    const res = await runSourceLocked({ locks: redisLocks(redis), keyPrefix: prefix, run: async () => 'ran' }, {} as never, cfg, { dryRun: false });
    expect(res).toEqual({ ran: false, reason: expect.stringContaining(`already being synchronised by another run: pid ${c.pid} on host ${hostname()}`) });
    await kill(c);
  });
});

describe('fencing', () => {
  it('refuses a commit once the lock is gone or about to expire, and allows it while renewed', async () => {
    const key = `${prefix}:guard`;
    const { lock } = await tryAcquireLock(redis, key, 4000);
    const guard = fencedCommitGuard(lock!, 'hr');
    await expect(guard()).resolves.toBeUndefined();
    await redis.pexpire(key, 500); // as if renewals had failed for most of the TTL
    await expect(guard()).rejects.toBeInstanceOf(LockLostError);
    await redis.del(key);
    await expect(guard()).rejects.toThrow('source hr: this run (fence');
    await lock!.release();
  });

  it('refuses every commit of a holder paused (SIGSTOP) past its TTL after another run took over', async () => {
    const storePath = join(dir, 'fence.db');
    const staleCsv = join(dir, 'stale.csv');
    const freshCsv = join(dir, 'fresh.csv');
    writeFileSync(staleCsv, hrCsv([{ id: 'S1', first: 'Stale', last: 'Writer' }]));
    writeFileSync(freshCsv, hrCsv([{ id: 'F1', first: 'Fresh', last: 'Writer' }]));
    const store = await openStore({ kind: 'sqlite', path: storePath }, { baseDir: '/' });
    try {
      const c = child({ mode: 'sync', ttlMs: 1000, storePath, csvPath: staleCsv });
      await nextMessage(c); // holds the lock, about to read
      c.kill('SIGSTOP');
      await new Promise((r) => setTimeout(r, 1600)); // its lock expires: no renewal while stopped

      const cfg = sourceSchema.parse({ name: 'hr', kind: 'csv', path: freshCsv });
      const identity = { uidNumberStart: 10000, gidNumberStart: 20000, defaultGroup: 'staff', usernameMaxLength: 20 };
      const service = new SyncService({ store, clock: systemClock, policy: departmentGroupsPolicy, planner: noTargetsPlanner, identity, log: silentLogger, sources: [cfg] });
      const taker = await tryAcquireLock(redis, sourceLockKey(prefix, 'hr'), 30_000);
      expect(taker.lock).not.toBeNull();
      expect(taker.lock && taker.tookOverFrom).toBeNull(); // it expired; the stopped process is alive

      c.kill('SIGCONT');
      const ended = nextMessage<{ error?: string; message?: string; done?: string }>(c);
      c.send('go');
      expect(await ended).toMatchObject({ error: 'LockLostError', message: expect.stringMatching(/lost its lock/) });
      expect(await store.listRuns({})).toEqual([]);
      expect(await store.listIdentities()).toEqual([]);

      await taker.lock!.release();
      const fresh = await runSourceLocked({ locks: redisLocks(redis), keyPrefix: prefix, run: (k, s, o) => service.runSource(k, s, o) }, openSource(cfg, { baseDir: '/' }), cfg, { dryRun: false });
      expect(fresh).toMatchObject({ ran: true, report: { status: 'applied' } });
      expect((await store.listIdentities()).map((i) => i.employeeId)).toEqual(['F1']);
    } finally {
      await store.close();
    }
  });
});
