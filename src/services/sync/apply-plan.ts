import { auditPayload } from '../../domain/identity-diff';
import type { AuditActor, AuditDraft, Group, Identity, SourceRecord, SyncRun } from '../../domain/types';
import type { IntentPlanner } from '../../ports/access-policy';
import type { ChangeSet, IdentityStore, IdentityWrite } from '../../ports/identity-store';
import type { PlanStep, RunPlan } from './plan-run';
import { groupChangeSet } from './group-changes';

export interface ApplyContext {
  store: IdentityStore;
  planner: IntentPlanner;
  actor: AuditActor;
  now: string;
  uidNumberStart: number;
  gidNumberStart: number;
  knownGroups: Set<string>;
  batchSize: number;
  runId: string;
}

/**
 * Commits the plan in batches. Each batch is self-contained (identities with their source records,
 * groups, intents and audit records), so a failure part-way leaves a consistent store and the next
 * run re-diffs what was not committed. Returns the number of entity rows written.
 */
export async function applyPlan(plan: RunPlan, ctx: ApplyContext): Promise<number> {
  let writes = 0;
  const steps = plan.steps;
  // group changes go with the first batch: memberships commit with the identities their rules touch
  let groups: ChangeSet | null = plan.groups?.changes.length ? await groupChangeSet(plan.groups, ctx) : null;
  if (groups && steps.length === 0) {
    await ctx.store.commit(groups);
    return countWrites(groups);
  }
  for (let i = 0; i < steps.length; i += ctx.batchSize) {
    const changes = await batchChanges(steps.slice(i, i + ctx.batchSize), ctx);
    if (groups) {
      Object.assign(changes, { groupWrites: groups.groupWrites, groupRemovals: groups.groupRemovals, audit: [...(groups.audit ?? []), ...(changes.audit ?? [])] });
      groups = null;
    }
    await ctx.store.commit(changes);
    writes += countWrites(changes);
    // committed steps are let go so a 100,000-person run does not hold them all until the end
    steps.fill(RELEASED, i, Math.min(i + ctx.batchSize, steps.length));
  }
  return writes;
}

const RELEASED: PlanStep = Object.freeze({ record: null, change: null, before: null, after: null });

async function batchChanges(steps: PlanStep[], ctx: ApplyContext): Promise<ChangeSet> {
  await assignUidNumbers(steps, ctx);
  const groups = await newGroups(steps, ctx);
  const identities: IdentityWrite[] = [];
  const sourceRecords: SourceRecord[] = [];
  const intents = [];
  const audit: AuditDraft[] = [];
  for (const step of steps) {
    if (step.record) sourceRecords.push(step.record);
    if (!step.change || !step.after) continue;
    identities.push({ identity: step.after, expectedRevision: step.before ? step.before.revision : null });
    intents.push(...ctx.planner.intentsFor(step.before, step.after, step.change.correlationId, ctx.now));
    audit.push(identityAudit(step, ctx));
  }
  return { identities, sourceRecords, groups, intents, audit };
}

/** uidNumbers come in one reserved block per batch: one store round trip instead of one per person. */
async function assignUidNumbers(steps: PlanStep[], ctx: ApplyContext): Promise<void> {
  const created = steps.filter((s) => s.change && !s.before && s.after);
  if (!created.length) return;
  const first = await ctx.store.reserveSequence('uidNumber', created.length, ctx.uidNumberStart);
  created.forEach((step, i) => {
    (step.after as Identity).uidNumber = first + i;
    (step.change as NonNullable<PlanStep['change']>).uidNumber = first + i;
  });
}

async function newGroups(steps: PlanStep[], ctx: ApplyContext): Promise<Group[]> {
  const names = new Set<string>();
  for (const step of steps) {
    for (const e of step.after?.entitlements ?? []) if (e.kind === 'group' && !ctx.knownGroups.has(e.name)) names.add(e.name);
  }
  if (!names.size) return [];
  const first = await ctx.store.reserveSequence('gidNumber', names.size, ctx.gidNumberStart);
  return [...names].sort().map((name, i) => {
    ctx.knownGroups.add(name);
    return { name, gidNumber: first + i, description: null, origin: 'department', createdAt: ctx.now };
  });
}

function identityAudit(step: PlanStep, ctx: ApplyContext): AuditDraft {
  const change = step.change as NonNullable<PlanStep['change']>;
  const after = step.after as Identity;
  const payload = step.before ? auditPayload(change.diff) : { before: null, after: createdSummary(after) };
  return {
    time: ctx.now,
    actor: ctx.actor,
    action: change.action,
    subject: { kind: 'identity', id: after.id, username: after.username },
    before: payload.before,
    after: payload.after,
    correlationId: change.correlationId,
  };
}

function createdSummary(identity: Identity): Record<string, unknown> {
  const { username, uidNumber, employeeId, state, attributes, entitlements, links } = identity;
  return { username, uidNumber, employeeId, state, attributes, entitlements, links };
}

export function countWrites(changes: ChangeSet): number {
  return (
    (changes.identities?.length ?? 0) +
    (changes.sourceRecords?.length ?? 0) +
    (changes.groups?.length ?? 0) +
    (changes.groupWrites?.length ?? 0) +
    (changes.groupRemovals?.length ?? 0) +
    (changes.intents?.length ?? 0) +
    (changes.disputes?.length ?? 0) +
    (changes.audit?.length ?? 0) +
    (changes.targetAccounts?.length ?? 0)
  );
}

/** The closing commit of a run: its disputes, their audit records, the run row and any run-level audit. */
export function closingChanges(plan: RunPlan, run: SyncRun, actor: AuditActor, now: string, extraAudit: AuditDraft[]): ChangeSet {
  const audit: AuditDraft[] = plan.disputes.map(({ dispute, correlationId }) => ({
    time: now,
    actor,
    action: 'dispute.open',
    subject: { kind: 'dispute', id: dispute.id },
    before: null,
    after: { source: dispute.source, externalId: dispute.externalId, candidates: dispute.candidates, rule: dispute.rule },
    correlationId,
  }));
  return { disputes: plan.disputes.map((d) => d.dispute), runs: [run], audit: [...audit, ...extraAudit] };
}
