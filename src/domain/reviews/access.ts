// Who may see and decide which review items: a reviewer their own, the operators the items
// nobody else can decide; nobody decides an item about their own access.
import type { AuditActor } from '../types';
import { OPERATORS_REVIEWER, type ReviewDecision, type ReviewItem } from './types';

export interface ReviewerView {
  identityId: string;
  operator: boolean;
}

export function mayDecide(item: ReviewItem, who: ReviewerView): boolean {
  if (item.identityId === who.identityId) return false;
  return item.reviewer === who.identityId || (who.operator && item.reviewer === OPERATORS_REVIEWER);
}

/** Operators may look at every item of a campaign (deciding stays with the assigned reviewer). */
export function mayView(item: ReviewItem, who: ReviewerView): boolean {
  return who.operator || item.reviewer === who.identityId;
}

/** One reviewer's decision on one item, as the console and the review service both speak of it. */
export interface DecisionRequest {
  campaign: string;
  itemId: string;
  decision: ReviewDecision;
  comment?: string;
  actor: AuditActor;
  /** who decides: only an item assigned to them (or to the operators, for an operator) */
  reviewer: ReviewerView;
}
