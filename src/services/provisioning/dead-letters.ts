// The dead-letter list: intents a target rejected for good (or that ran out of attempts). The store
// is the record (intents with status 'failed'); BullMQ's failed set mirrors it while Redis has it.
import type { AuditActor, AuditDraft, Intent } from '../../domain/types';
import type { ChangeQueue } from '../../ports/change-queue';
import type { IdentityStore } from '../../ports/identity-store';

export interface DeadLetter {
  /** logical job id `<target>:<identityId>` */
  jobId: string;
  target: string;
  identityId: string;
  username: string | null;
  attempts: number;
  lastError: string | null;
  failedAt: string;
  intentIds: string[];
  correlationId: string;
}

export async function listDeadLetters(store: IdentityStore, filter: { target?: string } = {}): Promise<DeadLetter[]> {
  const failed = await store.listIntents({ status: ['failed'], target: filter.target });
  const byPair = new Map<string, Intent[]>();
  for (const i of failed) byPair.set(`${i.target}:${i.identityId}`, [...(byPair.get(`${i.target}:${i.identityId}`) ?? []), i]);
  const out: DeadLetter[] = [];
  for (const [jobId, intents] of byPair) {
    const last = [...intents].sort((a, b) => a.updatedAt.localeCompare(b.updatedAt)).at(-1)!;
    const identity = await store.getIdentity({ by: 'id', value: last.identityId });
    out.push({
      jobId,
      target: last.target,
      identityId: last.identityId,
      username: identity?.username ?? null,
      attempts: Math.max(...intents.map((i) => i.attempts)),
      lastError: last.lastError,
      failedAt: last.updatedAt,
      intentIds: intents.map((i) => i.id),
      correlationId: last.correlationId,
    });
  }
  return out.sort((a, b) => a.failedAt.localeCompare(b.failedAt));
}

/**
 * Sends dead letters again: their intents become pending and their jobs are re-added (a failed job
 * with the same id is replaced). `only` narrows to a target and/or a person (id or username). With
 * an `actor` (a person asking), each retry is audited under them in the commit that re-opens it.
 */
export async function retryDeadLetters(
  store: IdentityStore,
  queue: ChangeQueue,
  only: { target?: string; user?: string } = {},
  now = new Date().toISOString(),
  actor?: AuditActor,
): Promise<DeadLetter[]> {
  let letters = await listDeadLetters(store, { target: only.target });
  if (only.user) letters = letters.filter((l) => l.identityId === only.user || l.username?.toLowerCase() === only.user!.toLowerCase());
  for (const l of letters) {
    const intents = (await Promise.all(l.intentIds.map((id) => store.getIntent(id)))).filter((i): i is Intent => !!i);
    await store.commit({ intents: intents.map((i) => ({ ...i, status: 'pending', updatedAt: now })), audit: actor ? [retryAudit(l, actor, now)] : [] });
    const best = Math.min(...intents.map((i) => i.priority));
    await queue.enqueue({ target: l.target, identityId: l.identityId, priority: best, correlationId: l.correlationId, intentId: l.intentIds[0] });
  }
  return letters;
}

function retryAudit(l: DeadLetter, actor: AuditActor, now: string): AuditDraft {
  return {
    time: now,
    actor,
    action: 'provisioning.retry',
    subject: { kind: 'identity', id: l.identityId, username: l.username },
    before: { target: l.target, status: 'failed', attempts: l.attempts, lastError: l.lastError },
    after: { target: l.target, status: 'pending' },
    correlationId: l.correlationId,
  };
}

export function renderDeadLetters(letters: DeadLetter[]): string[] {
  if (!letters.length) return ['no failed provisioning jobs.'];
  return letters.map((l) => `${l.jobId}  ${l.username ?? '?'}  attempts=${l.attempts}  failed=${l.failedAt}  ${l.lastError ?? ''}`);
}
