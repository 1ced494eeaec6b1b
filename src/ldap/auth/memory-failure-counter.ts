import type { Clock } from '../../ports/clock';
import type { FailureCounter } from '../../ports/failure-counter';

/** In-process FailureCounter on an injected clock: tests move time; a restart forgets. */
export class MemoryFailureCounter implements FailureCounter {
  private entries = new Map<string, { count: number; expiresAt: number }>();

  constructor(private clock: Clock) {}

  async increment(key: string, ttlMs: number, window: 'fixed' | 'sliding'): Promise<number> {
    const now = this.clock.now().getTime();
    const live = this.live(key, now);
    const entry = live ?? { count: 0, expiresAt: now + ttlMs };
    entry.count += 1;
    if (window === 'sliding') entry.expiresAt = now + ttlMs;
    this.entries.set(key, entry);
    if (this.entries.size > 100_000) this.prune(now);
    return entry.count;
  }

  async count(key: string): Promise<number> {
    return this.live(key, this.clock.now().getTime())?.count ?? 0;
  }

  async reset(key: string): Promise<void> {
    this.entries.delete(key);
  }

  private live(key: string, now: number): { count: number; expiresAt: number } | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  // Bounded memory under a spray of random DNs: expired entries can no longer matter.
  private prune(now: number): void {
    for (const [k, e] of this.entries) if (e.expiresAt <= now) this.entries.delete(k);
  }
}
