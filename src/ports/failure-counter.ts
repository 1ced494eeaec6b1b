/**
 * Counts failed attempts per key with an expiry, so a lockout can be shared by every instance and
 * survive a restart (Redis), or live in one process (memory, for tests and the CLI).
 *
 * Contract for every adapter:
 * - `increment` adds one and returns the new count, atomically: two instances counting the same key
 *   at once never lose a failure.
 * - The count disappears `ttlMs` after the first failure of its window (`fixed`), or after the
 *   latest failure (`sliding`: every failure restarts the expiry).
 * - `count` of a key that never existed or has expired is 0.
 */
export interface FailureCounter {
  increment(key: string, ttlMs: number, window: 'fixed' | 'sliding'): Promise<number>;
  count(key: string): Promise<number>;
  reset(key: string): Promise<void>;
}
