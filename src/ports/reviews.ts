// The store's reads of access reviews; writes go through the ChangeSet of IdentityStore.commit so
// a decision, its exception, the person's recomputed entitlements, the intents and the audit
// record land in one transaction.
import type { AccessException, ReviewCampaign, ReviewItem } from '../domain/reviews/types';

/** A decision was written for an item that is already decided (two reviewers at once). */
export class ReviewDecisionConflictError extends Error {
  constructor(readonly itemId: string) {
    super(`review item ${itemId} was already decided`);
    this.name = 'ReviewDecisionConflictError';
  }
}

export interface ReviewItemQuery {
  campaignId: string;
  /** a reviewer's identity id, or OPERATORS_REVIEWER */
  reviewer?: string;
  identityId?: string;
  /** true: only undecided items; false: only decided ones */
  pending?: boolean;
}

export interface ReviewChanges {
  /** written whole by id; a campaign whose name another campaign holds throws UniqueViolationError('campaign', name) */
  reviewCampaigns?: ReviewCampaign[];
  /** items of a campaign being opened, inserted */
  reviewItems?: ReviewItem[];
  /** decided items: each must be stored and still undecided, else ReviewDecisionConflictError and nothing is committed */
  reviewDecisions?: ReviewItem[];
  /** written whole by id */
  accessExceptions?: AccessException[];
}

export interface ReviewReader {
  getReviewCampaign(name: string): Promise<ReviewCampaign | null>;
  /** oldest first */
  listReviewCampaigns(): Promise<ReviewCampaign[]>;
  getReviewItem(id: string): Promise<ReviewItem | null>;
  /** sorted by username, then item id */
  listReviewItems(query: ReviewItemQuery): Promise<ReviewItem[]>;
  /** every exception recorded (lapsed ones too: whether one holds depends on the rules), or those of these identities */
  listAccessExceptions(identityIds?: string[]): Promise<AccessException[]>;
}
