import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { acquireLock, redisLocks } from '../../src/redis/lock';
import { deletePrefix } from '../../src/redis/keys';
import { runSourceLocked, sourceLockKey } from '../../src/services/scheduling/source-runner';
import type { SourceConnector } from '../../src/ports/source-connector';
import type { SourceConfig } from '../../src/config/sections/sources';

const prefix = `idsync-test-${randomUUID()}`;
let a: Redis;
let b: Redis;

beforeAll(() => {
  a = new Redis({ lazyConnect: false });
  b = new Redis({ lazyConnect: false });
});

afterAll(async () => {
  await deletePrefix(a, prefix);
  a.disconnect();
  b.disconnect();
});

describe('cross-instance source lock', () => {
  it('lets one holder in at a time and frees the key on release', async () => {
    const key = `${prefix}:l1`;
    const first = await acquireLock(a, key, 5000);
    expect(first).not.toBeNull();
    expect(await acquireLock(b, key, 5000)).toBeNull();
    await first!.release();
    const second = await acquireLock(b, key, 5000);
    expect(second).not.toBeNull();
    await second!.release();
    expect(await a.exists(key)).toBe(0);
  });

  it('expires the lock of a crashed holder', async () => {
    const key = `${prefix}:l2`;
    await a.set(key, 'dead-holder', 'PX', 150);
    expect(await acquireLock(b, key, 5000)).toBeNull();
    await new Promise((r) => setTimeout(r, 250));
    const got = await acquireLock(b, key, 5000);
    expect(got).not.toBeNull();
    await got!.release();
  });

  it('never releases a lock someone else now holds', async () => {
    const key = `${prefix}:l3`;
    const mine = await acquireLock(a, key, 100);
    await new Promise((r) => setTimeout(r, 10));
    await a.set(key, 'someone-else', 'PX', 5000); // as if ours had expired and another took it
    await mine!.release();
    expect(await a.get(key)).toBe('someone-else');
  });

  it('runs a source at most once at a time across two instances', async () => {
    const cfg = { name: 'hr' } as SourceConfig;
    const connector = {} as SourceConnector;
    let concurrent = 0;
    let max = 0;
    const run = async () => {
      concurrent++;
      max = Math.max(max, concurrent);
      await new Promise((r) => setTimeout(r, 100));
      concurrent--;
      return 'done';
    };
    const results = await Promise.all([
      runSourceLocked({ locks: redisLocks(a), keyPrefix: prefix, run }, connector, cfg, { dryRun: false }),
      runSourceLocked({ locks: redisLocks(b), keyPrefix: prefix, run }, connector, cfg, { dryRun: false }),
    ]);
    expect(max).toBe(1);
    expect(results.filter((r) => r.ran)).toHaveLength(1);
    const skipped = results.find((r) => !r.ran) as { ran: false; reason: string };
    expect(skipped.reason).toMatch(/^source hr is already being synchronised by another run: pid \d+ on host \S+ \(fence \d+, since /);
    expect(await a.exists(sourceLockKey(prefix, 'hr'))).toBe(0);
  });
});
