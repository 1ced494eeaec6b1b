// Opening a campaign and reporting on it: the use cases behind `idsync review start|status|export`
// and the console's campaign list.
import { randomUUID } from 'node:crypto';
import { countByReviewer, describeEntitlement, describeScope, openCampaign, parseScope, progressOf, type CampaignProgress, type ScopeNames } from '../../domain/reviews/campaign';
import { OPERATORS_REVIEWER, type ReviewCampaign } from '../../domain/reviews/types';
import type { AuditActor } from '../../domain/types';
import type { Clock } from '../../ports/clock';
import type { AccessPolicy } from '../../ports/access-policy';
import { isLive } from '../../domain/reviews/exceptions';
import { UniqueViolationError, type IdentityStore } from '../../ports/identity-store';

export class ReviewError extends Error {
  constructor(message: string, readonly status: 400 | 403 | 404 | 409 = 400) {
    super(message);
    this.name = 'ReviewError';
  }
}

export interface CampaignDeps {
  store: IdentityStore;
  clock: Clock;
  /** configured roles and targets, and the groups the roles grant (the store's groups are added) */
  known: ScopeNames;
}

export interface StartRequest {
  name: string;
  scopeKind?: string;
  scopeName?: string;
  actor: AuditActor;
}

export interface StartResult {
  campaign: ReviewCampaign;
  items: number;
  /** reviewer label (username or "operators") -> items */
  byReviewer: Map<string, number>;
}

const CAMPAIGN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export async function startCampaign(deps: CampaignDeps, req: StartRequest): Promise<StartResult> {
  if (!CAMPAIGN_NAME.test(req.name)) {
    throw new ReviewError(`campaign name "${req.name}" must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit`);
  }
  const storeGroups = (await deps.store.listGroups()).filter((g) => !g.deletedAt).map((g) => g.name);
  const known = { ...deps.known, groups: [...new Set([...deps.known.groups, ...storeGroups])] };
  const scope = parseScope(req.scopeKind, req.scopeName, known);
  if (await deps.store.getReviewCampaign(req.name)) throw new ReviewError(`a campaign named "${req.name}" already exists`, 409);
  const now = deps.clock.now().toISOString();
  const { campaign, items } = openCampaign({ id: randomUUID(), name: req.name, scope, openedBy: req.actor, now, identities: await deps.store.listIdentities(), newId: randomUUID });
  const byReviewer = await labelled(deps.store, countByReviewer(items));
  try {
    await deps.store.commit({
      reviewCampaigns: [campaign],
      reviewItems: items,
      audit: [{
        time: now,
        actor: req.actor,
        action: 'review.start',
        subject: { kind: 'review-campaign', id: campaign.id, username: null },
        before: null,
        after: { name: campaign.name, scope: describeScope(scope), items: items.length, byReviewer: Object.fromEntries(byReviewer) },
        correlationId: `review:${campaign.id}`,
      }],
    });
  } catch (err) {
    if (err instanceof UniqueViolationError) throw new ReviewError(`a campaign named "${req.name}" already exists`, 409);
    throw err;
  }
  return { campaign, items: items.length, byReviewer };
}

/** Ends a campaign: its pending items can no longer be decided; decisions taken stand. */
export async function closeCampaign(deps: Pick<CampaignDeps, 'store' | 'clock'>, name: string, actor: AuditActor): Promise<ReviewCampaign> {
  const campaign = await campaignNamed(deps.store, name);
  if (campaign.status === 'closed') throw new ReviewError(`campaign ${name} is already closed`, 409);
  const now = deps.clock.now().toISOString();
  const closed: ReviewCampaign = { ...campaign, status: 'closed', closedAt: now };
  const progress = progressOf(await deps.store.listReviewItems({ campaignId: campaign.id }));
  await deps.store.commit({
    reviewCampaigns: [closed],
    audit: [{
      time: now,
      actor,
      action: 'review.close',
      subject: { kind: 'review-campaign', id: campaign.id, username: null },
      before: { status: 'open' },
      after: { name, status: 'closed', items: progress.items, decided: progress.decided, pending: progress.items - progress.decided },
      correlationId: `review:${campaign.id}`,
    }],
  });
  return closed;
}

export async function campaignNamed(store: IdentityStore, name: string): Promise<ReviewCampaign> {
  const campaign = await store.getReviewCampaign(name);
  if (!campaign) throw new ReviewError(`no review campaign named "${name}"`, 404);
  return campaign;
}

export interface CampaignStatus {
  campaign: ReviewCampaign;
  progress: CampaignProgress;
  /** pending items per reviewer label */
  pending: Map<string, number>;
  /** the campaign's revoke exceptions: still holding under `policy`, or lapsed by a changed rule */
  exceptions: { live: number; lapsed: number };
}

export async function campaignStatus(store: IdentityStore, policy: AccessPolicy, name?: string): Promise<CampaignStatus[]> {
  const campaigns = name ? [await campaignNamed(store, name)] : await store.listReviewCampaigns();
  const exceptions = await store.listAccessExceptions();
  const out: CampaignStatus[] = [];
  for (const campaign of campaigns) {
    const progress = progressOf(await store.listReviewItems({ campaignId: campaign.id }));
    const mine = exceptions.filter((x) => x.campaignId === campaign.id);
    const live = mine.filter((x) => isLive(x, policy)).length;
    out.push({ campaign, progress, pending: await labelled(store, progress.pendingByReviewer), exceptions: { live, lapsed: mine.length - live } });
  }
  return out;
}

/** Reviewer ids -> usernames, so people read names, not ids. */
export async function reviewerNames(store: IdentityStore, ids: Iterable<string>): Promise<Map<string, string>> {
  const wanted = [...new Set(ids)].filter((id) => id !== OPERATORS_REVIEWER);
  const names = new Map<string, string>([[OPERATORS_REVIEWER, OPERATORS_REVIEWER]]);
  for (const identity of await store.getIdentities(wanted)) names.set(identity.id, identity.username);
  return names;
}

async function labelled(store: IdentityStore, counts: Map<string, number>): Promise<Map<string, number>> {
  const names = await reviewerNames(store, counts.keys());
  return new Map([...counts].map(([id, n]) => [names.get(id) ?? id, n]));
}

export interface ExportRow {
  person: string;
  entitlement: string;
  rule: string;
  reviewer: string;
  decision: string;
  comment: string;
  decidedBy: string;
  decidedAt: string;
}

export async function exportRows(store: IdentityStore, name: string): Promise<ExportRow[]> {
  const campaign = await campaignNamed(store, name);
  const items = await store.listReviewItems({ campaignId: campaign.id });
  const names = await reviewerNames(store, items.map((i) => i.reviewer));
  return items.map((i) => ({
    person: i.username,
    entitlement: describeEntitlement(i.entitlement),
    rule: i.rule,
    reviewer: names.get(i.reviewer) ?? i.reviewer,
    decision: i.decision ?? 'pending',
    comment: i.comment ?? '',
    decidedBy: i.decidedBy?.id ?? '',
    decidedAt: i.decidedAt ?? '',
  }));
}
