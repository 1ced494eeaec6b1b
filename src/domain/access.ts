import type { Entitlement, Identity, Intent } from './types';

/**
 * What the rules grant one identity. The core default grants the department group; the
 * provisioning rules engine (role rules over attributes) replaces it.
 */
export interface AccessPolicy {
  entitlements(identity: Identity, context?: AccessContext): Entitlement[];
  /**
   * A digest of what defines `rule` now (the matching role's condition and the granting role's
   * grants): equal digests mean the rule is defined as it was. Absent for policies whose rules
   * are built in and never change.
   */
  ruleFingerprint?(rule: string): string;
}

/** What the rules see besides the identity itself. */
export interface AccessContext {
  /** names of the source groups the person is in, directly or through nesting (prefix included) */
  groups: string[];
}

/**
 * Which targets must be driven after an identity changed from `before` to `after`.
 * Pure: returns outbox rows; the caller commits them with the identity change.
 */
export interface IntentPlanner {
  intentsFor(before: Identity | null, after: Identity, correlationId: string, now: string): Intent[];
}

export const noTargetsPlanner: IntentPlanner = { intentsFor: () => [] };
