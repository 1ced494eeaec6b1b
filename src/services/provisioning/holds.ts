// Held target batches: intents that would disable or delete more than a target allows wait, as a
// run with source `target:<name>` (listed by `idsync runs list`), until a person allows it.
import type { AuditActor, Identity, Intent, SyncRun, SyncRunCounts } from '../../domain/types';
import type { IdentityStore } from '../../ports/identity-store';
import { FIRST_PEOPLE, type HeldRunSummary } from '../sync/run-summary';

export const TARGET_RUN_PREFIX = 'target:';
/** marks an intent a person allowed past the threshold; the dispatcher lets it through */
export const ALLOWED_MARK = ' [allowed ';

export interface TargetHold {
  kind: 'target-hold';
  target: string;
  intentIds: string[];
}

export function isTargetRun(run: Pick<SyncRun, 'source'>): boolean {
  return run.source.startsWith(TARGET_RUN_PREFIX);
}

export function isAllowed(intent: Intent): boolean {
  return intent.reason.includes(ALLOWED_MARK);
}

const zeroCounts = (): SyncRunCounts => ({
  seen: 0, created: 0, updated: 0, unchanged: 0, terminated: 0, suspended: 0, reactivated: 0, disputed: 0, errors: 0, writes: 0,
});

export async function openHold(store: IdentityStore, target: string): Promise<SyncRun | null> {
  const [run] = await store.listRuns({ source: `${TARGET_RUN_PREFIX}${target}`, status: ['held'], limit: 1 });
  return run ?? null;
}

/** Marks `intents` held and records (or extends) the target's held run, in one commit. */
export async function holdIntents(store: IdentityStore, target: string, intents: Intent[], reason: string, now: string): Promise<SyncRun> {
  const existing = await openHold(store, target);
  const previous = (existing?.staged as TargetHold | null)?.intentIds ?? [];
  const run: SyncRun = existing
    ? { ...existing, reason: existing.reason ?? reason }
    : {
        id: `${TARGET_RUN_PREFIX}${target}:${now}`,
        source: `${TARGET_RUN_PREFIX}${target}`,
        status: 'held',
        startedAt: now,
        finishedAt: null,
        counts: zeroCounts(),
        reason,
        watermark: null,
        staged: null,
      };
  const intentIds = [...new Set([...previous, ...intents.map((i) => i.id)])];
  run.staged = { kind: 'target-hold', target, intentIds } satisfies TargetHold;
  run.counts = { ...run.counts, seen: intentIds.length };
  await store.commit({
    intents: intents.map((i) => ({ ...i, status: 'held', updatedAt: now })),
    runs: [run],
    audit: existing ? [] : [{
      time: now,
      actor: { kind: 'system', id: 'provisioning' },
      action: 'run.held',
      subject: { kind: 'run', id: run.id },
      before: null,
      after: { status: 'held', reason, target },
      correlationId: run.id,
    }],
  });
  return run;
}

/**
 * `idsync runs allow <id>` for a target run: its held intents become pending again, marked as allowed
 * so the threshold lets them through. Their updatedAt goes back to when they were held, so the next
 * outbox sweep of the daemon takes them at once.
 */
export async function allowTargetRun(store: IdentityStore, runId: string, actor: AuditActor, now: string): Promise<{ released: number }> {
  const run = await store.getRun(runId);
  if (!run || !isTargetRun(run)) throw new Error(`run ${runId} is not a held target run`);
  if (run.status !== 'held') throw new Error(`run ${runId} is not held (its status is ${run.status})`);
  const hold = run.staged as TargetHold;
  const intents = (await Promise.all(hold.intentIds.map((id) => store.getIntent(id)))).filter(
    (i): i is Intent => !!i && i.status === 'held',
  );
  await store.commit({
    intents: intents.map((i) => ({ ...i, status: 'pending', reason: `${i.reason}${ALLOWED_MARK}${runId}]`, updatedAt: run.startedAt })),
    runs: [{ ...run, status: 'allowed', finishedAt: now }],
    audit: [{
      time: now,
      actor,
      action: 'run.allowed',
      subject: { kind: 'run', id: runId },
      before: { status: 'held', reason: run.reason },
      after: { status: 'allowed', released: intents.length },
      correlationId: runId,
    }],
  });
  return { released: intents.length };
}

/**
 * What allowing a held target batch would do: every held intent is a removal (a termination or
 * suspension reaching the target), one per person. Pure over the intents and their identities.
 */
export function summariseTargetHold(target: string, intents: readonly Intent[], identities: ReadonlyMap<string, Identity>, limit = FIRST_PEOPLE): HeldRunSummary {
  const people = [...new Set(intents.filter((i) => i.status === 'held').map((i) => i.identityId))];
  const summary: HeldRunSummary = { creates: 0, updates: 0, terminations: 0, suspensions: 0, accessRemovals: people.length, people: people.length, first: [] };
  for (const id of people) {
    const state = identities.get(id)?.state;
    if (state === 'terminated') summary.terminations++;
    else if (state === 'suspended') summary.suspensions++;
    else summary.updates++;
  }
  summary.first = people.slice(0, limit).map((id) => {
    const who = identities.get(id);
    const username = who?.username ?? id;
    return { username, lines: [`- remove access in ${target} for ${username} (${who ? `now ${who.state}` : 'no longer in the store'})`], removesAccess: true };
  });
  return summary;
}

/** The summary of a held target run, read from the store. */
export async function targetHoldSummary(store: IdentityStore, run: SyncRun): Promise<HeldRunSummary> {
  const hold = run.staged as TargetHold | null;
  if (!hold || hold.kind !== 'target-hold') throw new Error(`run ${run.id} is not a held target run`);
  const intents = (await Promise.all(hold.intentIds.map((id) => store.getIntent(id)))).filter((i): i is Intent => !!i);
  const identities = await store.getIdentities([...new Set(intents.map((i) => i.identityId))]);
  return summariseTargetHold(hold.target, intents, new Map(identities.map((i) => [i.id, i])));
}
