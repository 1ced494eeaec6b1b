// One source's health: the age and outcome of its last finished run, from the store's run records.
import type { IdentityStore } from '../ports/identity-store';
import type { SyncRun, SyncRunStatus } from '../domain/types';
import type { HealthCheck } from './health-check';
import type { Sample } from './ops-metrics';

const FINISHED: SyncRunStatus[] = ['applied', 'allowed', 'held', 'incomplete', 'failed'];
const SUCCEEDED: SyncRunStatus[] = ['applied', 'allowed'];

export function sourceRunCheck(store: IdentityStore, source: string, now: () => Date): HealthCheck {
  return {
    name: `source:${source}`,
    critical: false,
    run: async () => {
      const [last] = await store.listRuns({ source, status: FINISHED, limit: 1 });
      const [lastOk] = last && SUCCEEDED.includes(last.status) ? [last] : await store.listRuns({ source, status: SUCCEEDED, limit: 1 });
      const at = now().getTime();
      const lastRunAge = last ? ageSeconds(last, at) : null;
      const successAge = lastOk ? ageSeconds(lastOk, at) : Infinity;
      const labels = { source };
      const samples: Sample[] = [{ name: 'idsync_source_last_success_age_seconds', labels, value: successAge }];
      if (last) {
        samples.push(
          { name: 'idsync_source_last_run_age_seconds', labels, value: lastRunAge! },
          { name: 'idsync_source_last_run_success', labels, value: SUCCEEDED.includes(last.status) ? 1 : 0 },
          { name: 'idsync_source_last_run_outcome', labels: { source, outcome: last.status }, value: 1 },
        );
      }
      return {
        // No finished run yet (just started) is not a failure; a last run that did not apply is.
        ok: !last || SUCCEEDED.includes(last.status),
        detail: {
          lastRun: last ? { id: last.id, outcome: last.status, finishedAt: last.finishedAt, ageSeconds: lastRunAge, reason: last.reason } : null,
          lastSuccessAgeSeconds: lastOk ? successAge : null,
        },
        samples,
      };
    },
  };
}

function ageSeconds(run: SyncRun, nowMs: number): number {
  const at = Date.parse(run.finishedAt ?? run.startedAt);
  return Math.max(0, Math.round((nowMs - at) / 1000));
}
