// In-process provisioning metrics rendered as Prometheus text (no client library needed for three series).

export const REVOKE_BUCKETS_SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

class Histogram {
  readonly counts = REVOKE_BUCKETS_SECONDS.map(() => 0);
  sum = 0;
  count = 0;
  observe(seconds: number): void {
    REVOKE_BUCKETS_SECONDS.forEach((b, i) => {
      if (seconds <= b) this.counts[i]++;
    });
    this.sum += seconds;
    this.count++;
  }
}

export interface MetricsSnapshotInput {
  queueDepths: Record<string, Record<string, number>>;
  quarantined: Record<string, boolean>;
}

export class ProvisioningMetrics {
  private revoke = new Map<string, Histogram>();
  private applied = new Map<string, Map<string, number>>();

  /** time from the revoking intent's creation (detection) to the target call that revoked */
  observeRevoke(target: string, seconds: number): void {
    const h = this.revoke.get(target) ?? new Histogram();
    h.observe(seconds);
    this.revoke.set(target, h);
  }

  countApplied(target: string, action: string): void {
    const m = this.applied.get(target) ?? new Map<string, number>();
    m.set(action, (m.get(action) ?? 0) + 1);
    this.applied.set(target, m);
  }

  render(input: MetricsSnapshotInput): string {
    const lines: string[] = [];
    lines.push('# HELP idsync_queue_jobs Jobs in each target queue by state.', '# TYPE idsync_queue_jobs gauge');
    for (const [target, counts] of Object.entries(input.queueDepths)) {
      for (const [state, n] of Object.entries(counts)) lines.push(`idsync_queue_jobs{target="${target}",state="${state}"} ${n}`);
    }
    lines.push('# HELP idsync_target_quarantined 1 while a target is quarantined.', '# TYPE idsync_target_quarantined gauge');
    for (const [target, q] of Object.entries(input.quarantined)) lines.push(`idsync_target_quarantined{target="${target}"} ${q ? 1 : 0}`);
    lines.push('# HELP idsync_provision_applied_total Changes applied to targets.', '# TYPE idsync_provision_applied_total counter');
    for (const [target, m] of this.applied) {
      for (const [action, n] of m) lines.push(`idsync_provision_applied_total{target="${target}",action="${action}"} ${n}`);
    }
    lines.push(
      '# HELP idsync_time_to_revoke_seconds Detection of a revocation to the target call that applied it.',
      '# TYPE idsync_time_to_revoke_seconds histogram',
    );
    for (const [target, h] of this.revoke) {
      REVOKE_BUCKETS_SECONDS.forEach((b, i) => lines.push(`idsync_time_to_revoke_seconds_bucket{target="${target}",le="${b}"} ${h.counts[i]}`));
      lines.push(`idsync_time_to_revoke_seconds_bucket{target="${target}",le="+Inf"} ${h.count}`);
      lines.push(`idsync_time_to_revoke_seconds_sum{target="${target}"} ${h.sum}`);
      lines.push(`idsync_time_to_revoke_seconds_count{target="${target}"} ${h.count}`);
    }
    return `${lines.join('\n')}\n`;
  }
}
