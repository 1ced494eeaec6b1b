// The heart of a worker: bring one (target, identity) pair to its desired state. The job names the
// pair only; everything else is read now, so duplicates, reordering and lost jobs are harmless.
import type { AuditDraft, Identity, Intent, TargetAccount, TargetAccountStatus } from '../../domain/types';
import type { Clock } from '../../ports/clock';
import type { IdentityStore } from '../../ports/identity-store';
import type { ProvisionJob } from '../../ports/change-queue';
import type { ActualAccount, DesiredAccount, TargetConnector } from '../../ports/target-connector';
import { desiredAccount, desiredHash, type DesiredStateTarget } from '../../domain/provisioning/desired';
import { planAccount, type AccountPlan } from '../../domain/provisioning/plan';

export interface ApplyDeps {
  store: IdentityStore;
  connector: TargetConnector;
  target: DesiredStateTarget;
  clock: Clock;
}

export interface ApplyOutcome {
  target: string;
  identityId: string;
  userName: string | null;
  plan: AccountPlan;
  externalId: string | null;
  /** outbox rows this application satisfied */
  intentIds: string[];
  /** correlation id of the newest satisfied intent (or the job's) */
  correlationId: string;
  /** detection-to-applied for revocations, from the oldest satisfied intent */
  oldestIntentAt: string | null;
}

/**
 * Reads the desired and the actual state of the pair; changes nothing. Used by apply and by dry
 * runs, which pass `projected`: the identity as their change would leave it.
 */
export async function inspectPair(
  deps: ApplyDeps,
  identityId: string,
  projected?: Identity,
): Promise<{ identity: Identity | null; account: TargetAccount | null; desired: DesiredAccount | null; actual: ActualAccount | null; plan: AccountPlan }> {
  const identity = projected ?? (await deps.store.getIdentity({ by: 'id', value: identityId }));
  const account = await deps.store.getTargetAccount(deps.target.name, identityId);
  if (!identity) {
    // Never delete on doubt: an identity the store does not know is left alone.
    return { identity, account, desired: null, actual: null, plan: { action: 'none', changes: [] } };
  }
  const desired = desiredAccount(identity, deps.target, deps.clock.now());
  const actual = await deps.connector.lookup(desired?.userName ?? identity.username, account?.externalId ?? null);
  return { identity, account, desired, actual, plan: planAccount(actual, desired) };
}

export async function applyPair(deps: ApplyDeps, job: ProvisionJob): Promise<ApplyOutcome> {
  // Intents read before the identity: anything committed after this read stays pending for the next pass.
  const intents = await openIntents(deps.store, job);
  const { identity, account, desired, actual, plan } = await inspectPair(deps, job.identityId);
  const after = await perform(deps.connector, plan, actual, desired);
  const correlationId = newest(intents)?.correlationId ?? job.correlationId;
  const now = deps.clock.now().toISOString();
  await deps.store.commit({
    intents: intents.map((i) => ({ ...i, status: 'done', attempts: i.attempts + 1, lastError: null, updatedAt: now })),
    targetAccounts: identity ? [accountRow(deps.target.name, identity.id, account, desired, after, now)] : [],
    audit: plan.action === 'none' || !identity ? [] : [auditOf(deps.target.name, identity, plan, actual, after, correlationId, now)],
  });
  return {
    target: deps.target.name,
    identityId: job.identityId,
    userName: desired?.userName ?? identity?.username ?? null,
    plan,
    externalId: after?.externalId ?? null,
    intentIds: intents.map((i) => i.id),
    correlationId,
    oldestIntentAt: intents.map((i) => i.createdAt).sort()[0] ?? null,
  };
}

/** Marks the pair's open intents failed (the dead-letter list) with the error that stopped them. */
export async function failPair(store: IdentityStore, job: ProvisionJob, error: string, now: string): Promise<void> {
  const intents = await openIntents(store, job);
  const account = await store.getTargetAccount(job.target, job.identityId);
  await store.commit({
    intents: intents.map((i) => ({ ...i, status: 'failed', attempts: i.attempts + 1, lastError: error, updatedAt: now })),
    targetAccounts: [
      {
        target: job.target,
        identityId: job.identityId,
        externalId: account?.externalId ?? null,
        desiredHash: account?.desiredHash ?? null,
        appliedHash: account?.appliedHash ?? null,
        status: 'failed',
        attempts: (account?.attempts ?? 0) + 1,
        lastError: error,
        updatedAt: now,
      },
    ],
  });
}

async function openIntents(store: IdentityStore, job: ProvisionJob): Promise<Intent[]> {
  return store.listIntents({ target: job.target, identityId: job.identityId, status: ['pending', 'failed'] });
}

async function perform(
  connector: TargetConnector,
  plan: AccountPlan,
  actual: ActualAccount | null,
  desired: DesiredAccount | null,
): Promise<ActualAccount | null> {
  switch (plan.action) {
    case 'create':
      return connector.create(desired!);
    case 'update':
      return connector.update(actual!, desired!);
    case 'disable':
      return connector.disable(actual!);
    case 'remove':
      await connector.remove(actual!);
      return null;
    case 'none':
      return actual;
  }
}

function accountRow(
  target: string,
  identityId: string,
  previous: TargetAccount | null,
  desired: DesiredAccount | null,
  after: ActualAccount | null,
  now: string,
): TargetAccount {
  const hash = desiredHash(desired);
  return {
    target,
    identityId,
    externalId: after?.externalId ?? null,
    desiredHash: hash,
    appliedHash: hash,
    status: statusOf(desired, after),
    attempts: previous?.attempts ?? 0,
    lastError: null,
    updatedAt: now,
  };
}

function statusOf(desired: DesiredAccount | null, after: ActualAccount | null): TargetAccountStatus {
  if (!after) return desired ? 'pending' : 'deleted';
  return after.active ? 'provisioned' : 'disabled';
}

function auditOf(
  target: string,
  identity: Identity,
  plan: AccountPlan,
  before: ActualAccount | null,
  after: ActualAccount | null,
  correlationId: string,
  now: string,
): AuditDraft {
  return {
    time: now,
    actor: { kind: 'worker', id: `worker:${target}`, target },
    action: `target.${plan.action}`,
    subject: { kind: 'identity', id: identity.id, username: identity.username },
    before: before && summary(before),
    after: { ...(after ? summary(after) : { deleted: true }), target, changes: plan.changes },
    correlationId,
  };
}

function summary(a: ActualAccount): object {
  return { externalId: a.externalId, userName: a.userName, active: a.active, groups: a.groups };
}

function newest(intents: Intent[]): Intent | undefined {
  return [...intents].sort((a, b) => a.createdAt.localeCompare(b.createdAt)).at(-1);
}
