// Access review campaigns: who holds what, decided by the person's manager (or the operators).
import type { AuditActor, EntitlementKind } from '../types';

/** Which entitlements a campaign reviews. */
export type ReviewScope =
  | { kind: 'all' }
  | { kind: 'role'; name: string }
  | { kind: 'target'; name: string }
  | { kind: 'group'; name: string };

export type ReviewCampaignStatus = 'open' | 'closed';

export interface ReviewCampaign {
  id: string;
  /** unique among campaigns, e.g. Q1-2027 */
  name: string;
  scope: ReviewScope;
  openedAt: string;
  openedBy: AuditActor;
  status: ReviewCampaignStatus;
  closedAt: string | null;
}

/** Items of people without an active manager go to everyone holding the operator role. */
export const OPERATORS_REVIEWER = 'operators';

export type ReviewDecision = 'keep' | 'revoke';

/** The entitlement an item is about, as it stood on the identity when the campaign opened. */
export interface ReviewedEntitlement {
  kind: EntitlementKind;
  name: string;
  values?: string[];
}

export interface ReviewItem {
  id: string;
  campaignId: string;
  identityId: string;
  /** the person's username when the campaign opened (for lists and exports) */
  username: string;
  entitlement: ReviewedEntitlement;
  /** the rule that granted it, as on the identity's entitlement */
  rule: string;
  /** the manager's identity id, or OPERATORS_REVIEWER */
  reviewer: string;
  decision: ReviewDecision | null;
  comment: string | null;
  decidedBy: AuditActor | null;
  decidedAt: string | null;
}

/**
 * A revoke decision: the entitlement stays removed from the person while the rule that granted it
 * is defined as it was when the decision was taken (same fingerprint). Changing the rule's
 * condition or grants changes its fingerprint, and the exception lapses.
 */
export interface AccessException {
  id: string;
  identityId: string;
  entitlement: ReviewedEntitlement;
  rule: string;
  /** the rule's definition fingerprint when the exception was recorded */
  ruleFingerprint: string;
  campaignId: string;
  itemId: string;
  createdBy: AuditActor;
  createdAt: string;
}
