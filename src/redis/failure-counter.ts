import type Redis from 'ioredis';
import type { FailureCounter } from '../ports/failure-counter';

// INCR and PEXPIRE in one script: a crash between the two would otherwise leave a count that
// never expires, i.e. a lock that never lifts.
const INCREMENT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 or ARGV[2] == 'sliding' then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;

/** FailureCounter in Redis under `${prefix}:ldap:failures:`: shared by instances, kept across restarts, expired by Redis. */
export class RedisFailureCounter implements FailureCounter {
  constructor(private redis: Redis, private prefix: string) {}

  async increment(key: string, ttlMs: number, window: 'fixed' | 'sliding'): Promise<number> {
    const n = await this.redis.eval(INCREMENT, 1, this.keyOf(key), String(Math.max(1, Math.round(ttlMs))), window);
    return Number(n);
  }

  async count(key: string): Promise<number> {
    return Number((await this.redis.get(this.keyOf(key))) ?? 0);
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(this.keyOf(key));
  }

  keyOf(key: string): string {
    return `${this.prefix}:ldap:failures:${key}`;
  }
}
