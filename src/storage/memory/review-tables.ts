// Access-review tables of the memory store: the reference semantics of the review reads and
// ChangeSet writes (see src/ports/reviews.ts).
import type { AccessException, ReviewCampaign, ReviewItem } from '../../domain/reviews/types';
import { UniqueViolationError } from '../../ports/identity-store';
import { ReviewDecisionConflictError, type ReviewChanges, type ReviewItemQuery } from '../../ports/reviews';

const clone = <T>(v: T): T => structuredClone(v);

export interface ReviewTables {
  campaigns: Map<string, ReviewCampaign>;
  items: Map<string, ReviewItem>;
  exceptions: Map<string, AccessException>;
}

export const emptyReviewTables = (): ReviewTables => ({ campaigns: new Map(), items: new Map(), exceptions: new Map() });

export const copyReviewTables = (t: ReviewTables): ReviewTables => ({
  campaigns: new Map(t.campaigns),
  items: new Map(t.items),
  exceptions: new Map(t.exceptions),
});

/** Applies the review part of a ChangeSet to a draft; throws (and the draft is dropped) on a conflict. */
export function applyReviewChanges(t: ReviewTables, changes: ReviewChanges): void {
  for (const c of changes.reviewCampaigns ?? []) {
    const other = [...t.campaigns.values()].find((x) => x.name === c.name && x.id !== c.id);
    if (other) throw new UniqueViolationError('campaign', c.name);
    t.campaigns.set(c.id, clone(c));
  }
  for (const i of changes.reviewItems ?? []) {
    if (t.items.has(i.id)) throw new Error(`review item ${i.id} already exists`);
    t.items.set(i.id, clone(i));
  }
  for (const i of changes.reviewDecisions ?? []) {
    const stored = t.items.get(i.id);
    if (!stored || stored.decision !== null) throw new ReviewDecisionConflictError(i.id);
    t.items.set(i.id, clone(i));
  }
  for (const x of changes.accessExceptions ?? []) t.exceptions.set(x.id, clone(x));
}

export function campaignNamed(t: ReviewTables, name: string): ReviewCampaign | null {
  const c = [...t.campaigns.values()].find((x) => x.name === name);
  return c ? clone(c) : null;
}

export function allCampaigns(t: ReviewTables): ReviewCampaign[] {
  return [...t.campaigns.values()].sort((a, b) => a.openedAt.localeCompare(b.openedAt) || a.name.localeCompare(b.name)).map(clone);
}

export function itemsMatching(t: ReviewTables, q: ReviewItemQuery): ReviewItem[] {
  return [...t.items.values()]
    .filter((i) => i.campaignId === q.campaignId)
    .filter((i) => q.reviewer === undefined || i.reviewer === q.reviewer)
    .filter((i) => q.identityId === undefined || i.identityId === q.identityId)
    .filter((i) => q.pending === undefined || (i.decision === null) === q.pending)
    .sort(byUsernameThenId)
    .map(clone);
}

export function exceptionsOf(t: ReviewTables, identityIds?: string[]): AccessException[] {
  const wanted = identityIds ? new Set(identityIds) : null;
  return [...t.exceptions.values()].filter((x) => !wanted || wanted.has(x.identityId)).map(clone);
}

/** Code-unit order, as SQLite's BINARY collation and MongoDB's default sort compare. */
export function byUsernameThenId(a: ReviewItem, b: ReviewItem): number {
  return cmp(a.username, b.username) || cmp(a.id, b.id);
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
