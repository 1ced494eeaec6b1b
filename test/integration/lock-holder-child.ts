// A separate process that holds a source lock, so tests can SIGKILL or SIGSTOP a real holder.
// IDSYNC_LOCK_CHILD: { mode: 'hold' | 'sync', redisUrl, prefix, ttlMs, storePath?, csvPath? }
// 'hold' takes the lock and waits; 'sync' runs a real sync of csvPath under the lock, pausing after
// the lock is taken until the parent sends 'go', and reports how the run ended.
import Redis from 'ioredis';
import { sourceSchema } from '../../src/config/sections/sources';
import { openSource } from '../../src/connectors/sources';
import { noTargetsPlanner } from '../../src/ports/access-policy';
import { systemClock } from '../../src/ports/clock';
import { acquireLock, redisLocks } from '../../src/redis/lock';
import { departmentGroupsPolicy } from '../../src/services/policy/department-groups';
import { runSourceLocked, sourceLockKey } from '../../src/services/scheduling/source-runner';
import { SyncService, silentLogger } from '../../src/services/sync';
import { openStore } from '../../src/storage';

const opts = JSON.parse(process.env.IDSYNC_LOCK_CHILD ?? '{}') as { mode: string; redisUrl: string; prefix: string; ttlMs: number; storePath?: string; csvPath?: string };
const send = (m: unknown) => process.send?.(m);
const go = () => new Promise<void>((resolve) => process.once('message', () => resolve()));

async function hold(redis: Redis): Promise<void> {
  const lock = await acquireLock(redis, sourceLockKey(opts.prefix, 'hr'), opts.ttlMs);
  send({ locked: lock?.holder ?? null });
  setInterval(() => undefined, 1 << 30);
}

async function sync(redis: Redis): Promise<void> {
  const store = await openStore({ kind: 'sqlite', path: opts.storePath! }, { baseDir: '/' });
  const cfg = sourceSchema.parse({ name: 'hr', kind: 'csv', path: opts.csvPath });
  const real = openSource(cfg, { baseDir: '/' });
  const identity = { uidNumberStart: 10000, gidNumberStart: 20000, defaultGroup: 'staff', usernameMaxLength: 20 };
  const service = new SyncService({ store, clock: systemClock, policy: departmentGroupsPolicy, planner: noTargetsPlanner, identity, log: silentLogger, sources: [cfg] });
  const connector = {
    ...real,
    name: real.name,
    kind: real.kind,
    authoritative: real.authoritative,
    async read(ctx: Parameters<typeof real.read>[0]) {
      send({ locked: true });
      await go();
      return real.read(ctx);
    },
  };
  const run = (c: typeof connector, s: typeof cfg, o: { dryRun: boolean; beforeCommit?: () => Promise<void> }) => service.runSource(c, s, o);
  try {
    const res = await runSourceLocked({ locks: redisLocks(redis), keyPrefix: opts.prefix, run, lockTtlMs: opts.ttlMs }, connector, cfg, { dryRun: false });
    send({ done: res.ran ? res.report.status : res.reason });
  } catch (err) {
    send({ error: (err as Error).name, message: (err as Error).message });
  }
  await store.close();
  redis.disconnect();
}

const redis = new Redis(opts.redisUrl);
(opts.mode === 'hold' ? hold(redis) : sync(redis)).catch((err) => {
  send({ error: 'crash', message: String(err) });
  process.exit(3);
});
