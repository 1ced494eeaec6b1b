import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import type { Locks } from '../ports/lock';

// Compare-and-delete / compare-and-extend: only the holder's token may release or renew the lock.
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const EXTEND = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

export interface HeldLock {
  readonly key: string;
  release(): Promise<void>;
}

/**
 * Single-Redis mutual exclusion with expiry (SET NX PX) and renewal while held, so a crashed holder
 * frees the lock after `ttlMs` and a long run keeps it. One poller per source across all instances.
 */
export async function acquireLock(redis: Redis, key: string, ttlMs = 60_000): Promise<HeldLock | null> {
  const token = randomUUID();
  const ok = await redis.set(key, token, 'PX', ttlMs, 'NX');
  if (ok !== 'OK') return null;
  const timer = setInterval(() => {
    redis.eval(EXTEND, 1, key, token, String(ttlMs)).catch(() => undefined);
  }, Math.max(1000, Math.floor(ttlMs / 3)));
  timer.unref();
  return {
    key,
    async release() {
      clearInterval(timer);
      await redis.eval(RELEASE, 1, key, token).catch(() => undefined);
    },
  };
}

/** The Locks port over this Redis. */
export function redisLocks(redis: Redis, ttlMs?: number): Locks {
  return { acquire: (key) => acquireLock(redis, key, ttlMs) };
}
