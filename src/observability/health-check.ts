// The shape of one readiness check (see readiness.ts) and what it reports.
import type { Sample } from './ops-metrics';

export interface CheckOutcome {
  ok: boolean;
  detail?: Record<string, unknown>;
  /** gauges for /metrics computed from the same reading */
  samples?: Sample[];
}

export interface HealthCheck {
  name: string;
  /** a failing critical check makes the daemon not ready; a failing other one makes it degraded */
  critical: boolean;
  run(): Promise<CheckOutcome>;
}
