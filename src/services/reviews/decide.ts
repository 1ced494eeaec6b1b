// A reviewer's decision. "keep" is recorded; "revoke" also records an exception and takes the
// entitlement off the person in the same commit, with the intents the planner derives from that
// change, so the targets lose the access through the usual outbox, dispatcher thresholds included.
import { randomUUID } from 'node:crypto';
import { mayDecide, type DecisionRequest } from '../../domain/reviews/access';
import { decisionProblem } from '../../domain/reviews/campaign';
import { exceptionOf, ruleFingerprint, withoutExcepted } from '../../domain/reviews/exceptions';
import type { AccessException, ReviewItem } from '../../domain/reviews/types';
import type { AuditDraft, Identity, Intent } from '../../domain/types';
import type { AccessPolicy, IntentPlanner } from '../../ports/access-policy';
import type { Clock } from '../../ports/clock';
import { RevisionConflictError, type ChangeSet, type IdentityStore } from '../../ports/identity-store';
import { ReviewDecisionConflictError } from '../../ports/reviews';
import { campaignNamed, ReviewError } from './campaigns';

/** the reason on intents a revoke decision causes (held by target thresholds like any removal) */
export const REVIEW_REVOKE_REASON = 'review.revoke';

export interface DecideDeps {
  store: IdentityStore;
  policy: AccessPolicy;
  planner: IntentPlanner;
  clock: Clock;
}

export type DecideRequest = DecisionRequest;

export interface DecideResult {
  item: ReviewItem;
  exception: AccessException | null;
  /** the targets the revoke sent work to */
  intents: Intent[];
}

const MAX_COMMENT = 1000;
const ATTEMPTS = 5;

export async function decideItem(deps: DecideDeps, req: DecideRequest): Promise<DecideResult> {
  if (req.decision !== 'keep' && req.decision !== 'revoke') throw new ReviewError(`decision must be "keep" or "revoke", not "${String(req.decision)}"`);
  const comment = (req.comment ?? '').trim();
  if (comment.length > MAX_COMMENT) throw new ReviewError(`comment is ${comment.length} characters long; at most ${MAX_COMMENT} are kept`);
  const campaign = await campaignNamed(deps.store, req.campaign);
  const item = await deps.store.getReviewItem(req.itemId);
  if (!item || item.campaignId !== campaign.id) throw new ReviewError(`campaign ${campaign.name} has no item ${req.itemId}`, 404);
  if (!mayDecide(item, req.reviewer)) throw new ReviewError('this item is not assigned to you', 403);
  const problem = decisionProblem(campaign, item);
  if (problem) throw new ReviewError(problem, 409);

  const now = deps.clock.now().toISOString();
  const decided: ReviewItem = { ...item, decision: req.decision, comment: comment || null, decidedBy: req.actor, decidedAt: now };
  const correlationId = `review:${campaign.id}:${item.id}`;
  const decideAudit: AuditDraft = {
    time: now,
    actor: req.actor,
    action: 'review.decide',
    subject: { kind: 'identity', id: item.identityId, username: item.username },
    before: null,
    after: { campaign: campaign.name, item: item.id, entitlement: item.entitlement, rule: item.rule, decision: req.decision, comment: decided.comment },
    correlationId,
  };
  const exception = req.decision === 'revoke' ? exceptionOf(item, ruleFingerprint(deps.policy, item.rule), req.actor, now, randomUUID()) : null;
  try {
    const intents = await commitDecision(deps, { campaign: campaign.name, decided, exception, decideAudit, correlationId, now });
    return { item: decided, exception, intents };
  } catch (err) {
    if (err instanceof ReviewDecisionConflictError) throw new ReviewError('this item was decided by someone else in the meantime', 409);
    throw err;
  }
}

interface Pending {
  campaign: string;
  decided: ReviewItem;
  exception: AccessException | null;
  decideAudit: AuditDraft;
  correlationId: string;
  now: string;
}

/** One commit: decision, exception, the person without the entitlement, intents, audit. Retried when the person changed meanwhile. */
async function commitDecision(deps: DecideDeps, p: Pending): Promise<Intent[]> {
  for (let attempt = 1; ; attempt++) {
    const changes: ChangeSet = { reviewDecisions: [p.decided], audit: [p.decideAudit] };
    let intents: Intent[] = [];
    if (p.exception) {
      changes.accessExceptions = [p.exception];
      const before = await deps.store.getIdentity({ by: 'id', value: p.decided.identityId });
      const revoked = before ? revokeFrom(deps, before, p) : null;
      if (revoked) {
        intents = revoked.intents;
        changes.identities = [{ identity: revoked.after, expectedRevision: before!.revision }];
        changes.intents = intents;
      }
      changes.audit!.push(exceptionAudit(p, before, revoked?.after ?? null, intents));
    }
    try {
      await deps.store.commit(changes);
      return intents;
    } catch (err) {
      if (!(err instanceof RevisionConflictError) || attempt >= ATTEMPTS) throw err;
    }
  }
}

function revokeFrom(deps: DecideDeps, before: Identity, p: Pending): { after: Identity; intents: Intent[] } | null {
  const entitlements = withoutExcepted(before.entitlements, [p.exception!], deps.policy);
  if (entitlements.length === before.entitlements.length) return null;
  const after: Identity = { ...before, entitlements, updatedAt: p.now };
  const intents = deps.planner.intentsFor(before, after, p.correlationId, p.now).map((i) => ({ ...i, reason: REVIEW_REVOKE_REASON }));
  return { after, intents };
}

function exceptionAudit(p: Pending, before: Identity | null, after: Identity | null, intents: Intent[]): AuditDraft {
  const x = p.exception!;
  return {
    time: p.now,
    actor: p.decideAudit.actor,
    action: 'review.exception',
    subject: { kind: 'identity', id: x.identityId, username: p.decided.username },
    before: before ? { entitlements: before.entitlements } : null,
    after: {
      exception: x.id,
      entitlement: x.entitlement,
      rule: x.rule,
      ruleFingerprint: x.ruleFingerprint,
      campaign: p.campaign,
      entitlements: after ? after.entitlements : before?.entitlements ?? [],
      targets: intents.map((i) => i.target),
    },
    correlationId: p.correlationId,
  };
}
