// One target's health: quarantine, queue depth and how long its oldest pending intent has waited,
// per priority class, so "revocations are 5 minutes behind" is one gauge.
import type { IdentityStore } from '../ports/identity-store';
import { PRIORITY_CHANGE, PRIORITY_REPAIR, PRIORITY_REVOKE } from '../domain/provisioning/planner';
import type { HealthCheck } from './health-check';
import type { Sample } from './ops-metrics';

export interface TargetQueueView {
  quarantined(target: string): boolean;
  depth(target: string): Promise<Record<string, number>>;
}

const CLASSES: [string, number][] = [
  ['revoke', PRIORITY_REVOKE],
  ['change', PRIORITY_CHANGE],
  ['repair', PRIORITY_REPAIR],
];
const PENDING_SCAN = 1000;
const QUEUED_STATES = ['waiting', 'prioritized', 'active', 'delayed'];

export function targetQueueCheck(store: IdentityStore, queues: TargetQueueView, target: string, now: () => Date = () => new Date()): HealthCheck {
  return {
    name: `target:${target}`,
    critical: false,
    run: async () => {
      const counts = await queues.depth(target);
      const depth = QUEUED_STATES.reduce((n, s) => n + (counts[s] ?? 0), 0);
      const oldest = await oldestPendingByClass(store, target, now().getTime());
      const quarantined = queues.quarantined(target);
      const samples: Sample[] = [{ name: 'idsync_target_queue_depth', labels: { target }, value: depth }];
      for (const [cls, age] of Object.entries(oldest)) samples.push({ name: 'idsync_oldest_pending_intent_age_seconds', labels: { target, priority: cls }, value: age });
      return { ok: !quarantined, detail: { quarantined, queue: counts, depth, oldestPendingSeconds: oldest }, samples };
    },
  };
}

/**
 * Stores list pending intents by priority then age, so within the first rows the revoke class is
 * exact; a backlog beyond PENDING_SCAN pending revocations leaves the later classes' ages low,
 * which still alerts, on the revocations. Unknown priorities count as changes.
 */
async function oldestPendingByClass(store: IdentityStore, target: string, nowMs: number): Promise<Record<string, number>> {
  const out: Record<string, number> = { revoke: 0, change: 0, repair: 0 };
  const pending = await store.listIntents({ status: ['pending'], target, limit: PENDING_SCAN });
  for (const intent of pending) {
    const cls = CLASSES.find(([, p]) => p === intent.priority)?.[0] ?? 'change';
    const age = Math.max(0, Math.round((nowMs - Date.parse(intent.createdAt)) / 1000));
    out[cls] = Math.max(out[cls], age);
  }
  return out;
}
