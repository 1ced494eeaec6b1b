// The IntentPlanner: after an identity change, which targets must be driven, and how urgently.
import { randomUUID } from 'node:crypto';
import type { Identity, Intent } from '../types';
import type { IntentPlanner } from '../access';
import { desiredAccount, desiredHash, type DesiredStateTarget } from './desired';

/** BullMQ runs lower numbers first; jobs without a priority would run before all of these, so every job has one. */
export const PRIORITY_REVOKE = 1;
export const PRIORITY_CHANGE = 10;
export const PRIORITY_REPAIR = 20;

export function createIntentPlanner(targets: DesiredStateTarget[], clock: () => Date = () => new Date()): IntentPlanner {
  return {
    intentsFor(before, after, correlationId, now) {
      const at = clock();
      return targets.flatMap((t) => {
        const wanted = desiredAccount(after, t, at);
        const had = before ? desiredAccount(before, t, at) : null;
        if (desiredHash(wanted) === desiredHash(had) && before) return [];
        // a new person not entitled to this target needs no job
        if (!before && (!wanted || !wanted.active)) return [];
        return [intentOf(t.name, after, priorityOf(before, after, t, at), reasonOf(before, after), correlationId, now)];
      });
    },
  };
}

/** Losing access (suspension, termination, a lost entitlement) outranks everything else. */
export function priorityOf(before: Identity | null, after: Identity, target: DesiredStateTarget, at: Date): number {
  if (after.state === 'terminated' || after.state === 'suspended') return PRIORITY_REVOKE;
  const had = before ? desiredAccount(before, target, at) : null;
  const wanted = desiredAccount(after, target, at);
  return had?.active && !wanted?.active ? PRIORITY_REVOKE : PRIORITY_CHANGE;
}

function reasonOf(before: Identity | null, after: Identity): string {
  if (!before) return 'identity.create';
  if (before.state !== after.state) return `identity.${after.state}`;
  return 'identity.update';
}

export function intentOf(
  target: string,
  identity: Identity,
  priority: number,
  reason: string,
  correlationId: string,
  now: string,
): Intent {
  return {
    id: randomUUID(),
    target,
    identityId: identity.id,
    priority,
    reason,
    correlationId,
    status: 'pending',
    createdAt: now,
    updatedAt: now,
    attempts: 0,
    lastError: null,
  };
}
