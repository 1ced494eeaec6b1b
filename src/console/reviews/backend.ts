// What the review pages need from the daemon, and nothing more; src/app/reviews.ts builds it from
// the store and the engine's rules.
import type { DecisionRequest } from '../../domain/reviews/access';
import type { ReviewCampaign, ReviewItem } from '../../domain/reviews/types';

export type DecisionInput = DecisionRequest;

/** A refusal the page shows as it is: the status says why (403 not yours, 404 unknown, 409 decided or closed). */
export interface Refusal {
  status: 400 | 403 | 404 | 409;
  message: string;
}

export interface ReviewBackend {
  campaigns(): Promise<ReviewCampaign[]>;
  campaign(name: string): Promise<ReviewCampaign | null>;
  /** every item of the campaign (the pages pick what the signed-in person may see) */
  items(campaignId: string): Promise<ReviewItem[]>;
  /** identity id -> display name (username when there is none) */
  names(identityIds: string[]): Promise<Map<string, string>>;
  /** records the decision; a refusal is returned, anything else thrown */
  decide(input: DecisionInput): Promise<{ ok: true; item: ReviewItem; targets: string[] } | { ok: false; refusal: Refusal }>;
}
