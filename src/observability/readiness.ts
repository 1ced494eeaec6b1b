// Readiness: every part the daemon needs, checked on request. Critical checks (store, Redis, LDAP
// listeners) decide whether the daemon is ready; the others (each source's last run, each target's
// queue) are reported as degraded, because a stale HR export must not take the LDAP view out of a
// load balancer. The same checks feed the operational metrics.
import type Redis from 'ioredis';
import type { IdentityStore } from '../ports/identity-store';
import { renderSamples, type Sample } from './ops-metrics';
import { sourceRunCheck } from './source-checks';
import type { CheckOutcome, HealthCheck } from './health-check';

export type { HealthCheck } from './health-check';

export interface ReadinessReport {
  ok: boolean;
  checks: Record<string, { ok: boolean; critical: boolean; [k: string]: unknown }>;
  /** non-critical checks that fail: worth an alert, not a reason to stop serving */
  degraded: string[];
}

/** a check that does not answer in this time counts as failed (a hung Redis must not hang the probe) */
export const CHECK_TIMEOUT_MS = 3000;

export class Readiness {
  private readonly checks: HealthCheck[] = [];
  private started = false;
  private readonly counters: (() => string)[] = [];

  constructor() {
    // Until start-up has finished, parts that register later (the LDAP listeners) are not checked yet.
    this.add({ name: 'startup', critical: true, run: async () => ({ ok: this.started, detail: { started: this.started } }) });
  }

  /** every component has started and added its checks */
  markStarted(): void {
    this.started = true;
  }

  add(check: HealthCheck): void {
    this.checks.push(check);
  }

  /** counters a part keeps itself (already in the exposition format), appended to metricsText */
  addMetrics(render: () => string): void {
    this.counters.push(render);
  }

  async report(): Promise<ReadinessReport> {
    return (await this.evaluate()).report;
  }

  async metricsText(): Promise<string> {
    const { report, samples } = await this.evaluate();
    const all: Sample[] = [{ name: 'idsync_ready', labels: {}, value: report.ok ? 1 : 0 }];
    for (const [check, r] of Object.entries(report.checks)) all.push({ name: 'idsync_health_check_ok', labels: { check }, value: r.ok ? 1 : 0 });
    return renderSamples([...all, ...samples]) + this.counters.map((render) => render()).join('');
  }

  private async evaluate(): Promise<{ report: ReadinessReport; samples: Sample[] }> {
    const outcomes = await Promise.all(this.checks.map((c) => runWithTimeout(c)));
    const report: ReadinessReport = { ok: true, checks: {}, degraded: [] };
    const samples: Sample[] = [];
    this.checks.forEach((c, i) => {
      const o = outcomes[i];
      report.checks[c.name] = { ok: o.ok, critical: c.critical, ...o.detail };
      samples.push(...(o.samples ?? []));
      if (o.ok) return;
      if (c.critical) report.ok = false;
      else report.degraded.push(c.name);
    });
    return { report, samples };
  }
}

async function runWithTimeout(check: HealthCheck): Promise<CheckOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, detail: { error: `no answer within ${CHECK_TIMEOUT_MS} ms` } }), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([check.run().catch((err: Error) => ({ ok: false, detail: { error: err.message } })), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface CoreCheckDeps {
  store: IdentityStore;
  redis: Redis;
  sources: string[];
  now?: () => Date;
}

/** store, Redis and every configured source's last run */
export function registerCoreChecks(r: Readiness, d: CoreCheckDeps): void {
  r.add({
    name: 'store',
    critical: true,
    run: async () => {
      await d.store.latestChangeSeq();
      return { ok: true };
    },
  });
  r.add({
    name: 'redis',
    critical: true,
    run: async () => {
      const pong = await d.redis.ping();
      return { ok: pong === 'PONG', detail: pong === 'PONG' ? {} : { error: `unexpected reply ${pong}` } };
    },
  });
  for (const source of d.sources) r.add(sourceRunCheck(d.store, source, d.now ?? (() => new Date())));
}
