import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { describeHolder, type HeldLock, type LockAttempt, type LockHolder, type Locks } from '../ports/lock';
import { hostname } from 'node:os';
import { isHolderDead, processStartTime } from './holder-liveness';

export type { HeldLock, LockAttempt, LockHolder };
export { describeHolder };

function holderOf(raw: string | null): LockHolder | null {
  if (!raw) return null;
  try {
    const h = JSON.parse(raw) as LockHolder;
    return typeof h === 'object' && h && typeof h.token === 'string' ? h : null;
  } catch {
    return null;
  }
}

// Every script compares the holder's token, so only the holder may renew or release, and a takeover
// replaces exactly the dead holder it examined (compare-and-set on the whole stored value).
const TOKEN_IS = `local v = redis.call('get', KEYS[1]) if not v then return 0 end local ok, h = pcall(cjson.decode, v) if not ok or type(h) ~= 'table' or h.token ~= ARGV[1] then return 0 end`;
const RELEASE = `${TOKEN_IS} return redis.call('del', KEYS[1])`;
const EXTEND = `${TOKEN_IS} return redis.call('pexpire', KEYS[1], ARGV[2])`;
const REMAINING = `${TOKEN_IS} return redis.call('pttl', KEYS[1])`;
// ARGV: holder JSON without fence, ttl, expected current value ('' = key must be absent)
const ACQUIRE = `
local cur = redis.call('get', KEYS[1])
if ARGV[3] == '' then if cur then return false end elseif cur ~= ARGV[3] then return false end
local h = cjson.decode(ARGV[1])
h.fence = redis.call('incr', KEYS[2])
local v = cjson.encode(h)
redis.call('set', KEYS[1], v, 'PX', ARGV[2])
return v`;

/**
 * The fence counter outlives every holder (fences only grow), so it sits beside the lock's namespace
 * rather than in it: `<prefix>:lock:*` then lists only locks someone holds.
 */
export function fenceKey(key: string): string {
  return key.includes(':lock:') ? key.replace(':lock:', ':lock-fence:') : `${key}:fence`;
}

/** Reads the current holder of a lock, or null when it is free (or held by an unreadable value). */
export async function readHolder(redis: Redis, key: string): Promise<LockHolder | null> {
  return holderOf(await redis.get(key));
}

async function trySet(redis: Redis, key: string, ttlMs: number, expected: string): Promise<LockHolder | null> {
  const draft = { token: randomUUID(), host: hostname(), pid: process.pid, pidStart: processStartTime(process.pid), acquiredAt: new Date().toISOString() };
  const v = (await redis.eval(ACQUIRE, 2, key, fenceKey(key), JSON.stringify(draft), String(ttlMs), expected)) as string | null;
  return v ? holderOf(v) : null;
}

/**
 * Single-Redis mutual exclusion with expiry and renewal while held, so a crashed holder on another
 * host frees the lock after `ttlMs` and a long run keeps it. A holder on this host whose process is
 * gone is taken over at once instead of waiting for the expiry.
 */
export async function tryAcquireLock(redis: Redis, key: string, ttlMs = 60_000): Promise<LockAttempt> {
  const fresh = await trySet(redis, key, ttlMs, '');
  if (fresh) return { lock: held(redis, key, fresh, ttlMs), tookOverFrom: null };
  const raw = await redis.get(key);
  if (raw === null) return tryAcquireLock(redis, key, ttlMs); // expired between the two calls
  const current = holderOf(raw);
  if (!current || !isHolderDead(current, hostname())) return { lock: null, holder: current };
  const mine = await trySet(redis, key, ttlMs, raw);
  if (!mine) return { lock: null, holder: await readHolder(redis, key) };
  return { lock: held(redis, key, mine, ttlMs), tookOverFrom: current };
}

/** tryAcquireLock for callers that only need the lock or null. */
export async function acquireLock(redis: Redis, key: string, ttlMs = 60_000): Promise<HeldLock | null> {
  return (await tryAcquireLock(redis, key, ttlMs)).lock;
}

function held(redis: Redis, key: string, holder: LockHolder, ttlMs: number): HeldLock {
  const timer = setInterval(() => {
    redis.eval(EXTEND, 1, key, holder.token, String(ttlMs)).catch(() => undefined);
  }, Math.max(100, Math.floor(ttlMs / 3))); // a third of the TTL: a healthy holder never drops below two thirds
  timer.unref();
  const remainingMs = async () => Math.max(0, Number(await redis.eval(REMAINING, 1, key, holder.token)));
  return {
    key,
    holder,
    ttlMs,
    remainingMs,
    async stillHeld() {
      return (await remainingMs()) > 0;
    },
    async release() {
      clearInterval(timer);
      await redis.eval(RELEASE, 1, key, holder.token).catch(() => undefined);
    },
  };
}

/** The Locks port over this Redis. */
export function redisLocks(redis: Redis): Locks {
  return { tryAcquire: (key, ttlMs) => tryAcquireLock(redis, key, ttlMs) };
}
