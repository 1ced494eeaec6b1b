// The cross-instance lock a source run holds, so at most one run per source happens at a time.
// src/redis/lock.ts provides it over Redis (holder record, dead-holder takeover, fencing).

/** Who holds a lock: enough to tell a live holder on this host from a dead one, and to name it. */
export interface LockHolder {
  token: string;
  /** issued on every acquire: a later holder always has a higher fence */
  fence: number;
  host: string;
  pid: number;
  /** the holder process's start time, so a reused pid is not mistaken for the holder */
  pidStart: string | null;
  acquiredAt: string;
}

export interface HeldLock {
  readonly key: string;
  readonly holder: LockHolder;
  readonly ttlMs: number;
  /** true only while the lock still records this holder (asked of the lock's home, not cached) */
  stillHeld(): Promise<boolean>;
  /** ms until the lock expires, or 0 when this holder no longer has it */
  remainingMs(): Promise<number>;
  release(): Promise<void>;
}

export type LockAttempt = { lock: HeldLock; tookOverFrom: LockHolder | null } | { lock: null; holder: LockHolder | null };

export interface Locks {
  /** the lock (taking over a dead holder's), or null with the current holder */
  tryAcquire(key: string, ttlMs?: number): Promise<LockAttempt>;
}

/** One sentence naming a holder, for a skipped run's reason. */
export function describeHolder(h: LockHolder | null): string {
  if (!h) return 'another run (its holder is not recorded)';
  return `pid ${h.pid} on host ${h.host} (fence ${h.fence}, since ${h.acquiredAt})`;
}
