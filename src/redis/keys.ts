import type Redis from 'ioredis';

/**
 * Deletes every key under `${prefix}:` and nothing else: Redis is shared, so tests, drills and
 * benchmarks clean up only what they created. SCAN, not KEYS, so a large Redis is not blocked.
 */
export async function deletePrefix(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    cursor = next;
    if (keys.length) deleted += await redis.del(...keys);
  } while (cursor !== '0');
  return deleted;
}
