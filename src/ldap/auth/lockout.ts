import type { Clock } from '../../ports/clock';

export interface LockoutPolicy {
  maxFailures: number;
  lockMinutes: number;
  maxFailuresPerAddressPerMinute: number;
}

interface Failures {
  count: number;
  lockedUntil: number;
  lastAt: number;
}

/**
 * Failed-bind bookkeeping: a DN is locked after `maxFailures` consecutive failures (PCI DSS 8.3.4),
 * a client address is throttled after too many failures in a minute (password spraying across
 * many DNs never locks any single one). In memory per instance: a restart forgets, which errs on
 * the side of availability.
 */
export class LockoutTracker {
  private byDn = new Map<string, Failures>();
  private byAddress = new Map<string, { windowStart: number; count: number }>();

  constructor(private policy: LockoutPolicy, private clock: Clock) {}

  isLocked(ndn: string): boolean {
    const f = this.byDn.get(ndn);
    return !!f && f.lockedUntil > this.clock.now().getTime();
  }

  isThrottled(address: string): boolean {
    const w = this.byAddress.get(address);
    return !!w && this.inWindow(w.windowStart) && w.count >= this.policy.maxFailuresPerAddressPerMinute;
  }

  recordFailure(ndn: string, address: string): void {
    const now = this.clock.now().getTime();
    const f = this.byDn.get(ndn) ?? { count: 0, lockedUntil: 0, lastAt: now };
    // A lock that ran out starts a fresh count rather than re-locking on the next single failure.
    if (f.lockedUntil && f.lockedUntil <= now) Object.assign(f, { count: 0, lockedUntil: 0 });
    f.count += 1;
    f.lastAt = now;
    if (f.count >= this.policy.maxFailures) f.lockedUntil = now + this.policy.lockMinutes * 60_000;
    this.byDn.set(ndn, f);

    const w = this.byAddress.get(address);
    if (!w || !this.inWindow(w.windowStart)) this.byAddress.set(address, { windowStart: now, count: 1 });
    else w.count += 1;
    this.prune(now);
  }

  recordSuccess(ndn: string): void {
    this.byDn.delete(ndn);
  }

  private inWindow(start: number): boolean {
    return this.clock.now().getTime() - start < 60_000;
  }

  // Bounded memory under a spray of random DNs: drop entries that can no longer matter.
  private prune(now: number): void {
    if (this.byDn.size < 100_000) return;
    for (const [k, f] of this.byDn) if (f.lockedUntil < now && now - f.lastAt > 3_600_000) this.byDn.delete(k);
    for (const [k, w] of this.byAddress) if (now - w.windowStart >= 60_000) this.byAddress.delete(k);
  }
}
