// A target failing most of its calls is quarantined: slowed to a trickle so it can recover without
// being hammered, shown in health and metrics, and recorded in the audit when it enters and leaves.

export interface QuarantinePolicy {
  windowMs: number;
  minCalls: number;
  failureRatio: number;
  /** jobs per second while quarantined */
  rateMax: number;
}

export type QuarantineTransition = 'quarantined' | 'recovered' | null;

export class TargetHealth {
  private outcomes: { at: number; ok: boolean }[] = [];
  /** failures among `outcomes`, kept as they come and go: recounting the window costs a scan per call */
  private failures = 0;
  private quarantinedSince: number | null = null;
  private nextSlot = 0;

  constructor(readonly target: string, private policy: QuarantinePolicy, private now: () => number = Date.now) {}

  get quarantined(): boolean {
    return this.quarantinedSince !== null;
  }

  /** Records one call outcome; says whether the target just entered or left quarantine. */
  record(ok: boolean): QuarantineTransition {
    const t = this.now();
    this.outcomes.push({ at: t, ok });
    if (!ok) this.failures++;
    while (this.outcomes.length && this.outcomes[0].at <= t - this.policy.windowMs) {
      if (!this.outcomes.shift()!.ok) this.failures--;
    }
    const { calls, ratio } = this.stats();
    if (!this.quarantined && calls >= this.policy.minCalls && ratio >= this.policy.failureRatio) {
      this.quarantinedSince = t;
      return 'quarantined';
    }
    // Leave on a run of successes, not a single lucky call: the last few calls all succeeded and the
    // window's failure ratio fell to half the threshold.
    if (this.quarantined && ok && this.recentSuccesses() >= 3 && ratio < this.policy.failureRatio / 2) {
      this.quarantinedSince = null;
      return 'recovered';
    }
    return null;
  }

  stats(): { calls: number; failures: number; ratio: number; quarantinedSince: string | null } {
    const calls = this.outcomes.length;
    const failures = this.failures;
    return {
      calls,
      failures,
      ratio: calls ? failures / calls : 0,
      quarantinedSince: this.quarantinedSince === null ? null : new Date(this.quarantinedSince).toISOString(),
    };
  }

  /** How long a job should wait before calling a quarantined target; 0 when healthy. */
  delayBeforeCall(): number {
    if (!this.quarantined) return 0;
    const t = this.now();
    const slot = Math.max(t, this.nextSlot);
    this.nextSlot = slot + 1000 / this.policy.rateMax;
    return slot - t;
  }

  private recentSuccesses(): number {
    let n = 0;
    for (let i = this.outcomes.length - 1; i >= 0 && this.outcomes[i].ok; i--) n++;
    return n;
  }
}
