// A token bucket per source: `burst` requests at once, refilled at `perSecond`. One noisy or
// hostile sender slows only its own source; the others keep their share.
export interface RateLimiter {
  /** 0 when the request may go ahead, else the seconds until it may be retried */
  take(key: string): number;
}

/** more keys than this and the idle full buckets are forgotten (unknown-source floods) */
const MAX_KEYS = 10_000;

export function tokenBuckets(perSecond: number, burst: number, now: () => number = () => performance.now()): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key) {
      const t = now();
      const b = buckets.get(key) ?? { tokens: burst, at: t };
      b.tokens = Math.min(burst, b.tokens + ((t - b.at) / 1000) * perSecond);
      b.at = t;
      if (buckets.size >= MAX_KEYS && !buckets.has(key)) prune(buckets, burst);
      buckets.set(key, b);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil((1 - b.tokens) / perSecond));
    },
  };
}

function prune(buckets: Map<string, { tokens: number }>, burst: number): void {
  for (const [k, b] of buckets) if (b.tokens >= burst - 1) buckets.delete(k);
  if (buckets.size >= MAX_KEYS) buckets.clear();
}
