// Exceptions recorded by revoke decisions, applied where entitlements are computed, so a sync run,
// a resync and a recompute after the decision all leave the revoked entitlement out.
import { contentHash } from '../canonical';
import type { AccessContext, AccessPolicy } from '../access';
import type { AuditActor, Entitlement, Identity } from '../types';
import type { AccessException, ReviewItem } from './types';

/** What defines `rule` now under `policy`; a built-in rule is digested by its name alone. */
export function ruleFingerprint(policy: AccessPolicy, rule: string): string {
  return policy.ruleFingerprint?.(rule) ?? contentHash({ rule });
}

/** An exception holds while the rule it names is defined as it was when it was recorded. */
export function isLive(exception: AccessException, policy: AccessPolicy): boolean {
  return exception.ruleFingerprint === ruleFingerprint(policy, exception.rule);
}

export function exceptionOf(item: ReviewItem, fingerprint: string, actor: AuditActor, now: string, id: string): AccessException {
  return {
    id,
    identityId: item.identityId,
    entitlement: item.entitlement,
    rule: item.rule,
    ruleFingerprint: fingerprint,
    campaignId: item.campaignId,
    itemId: item.id,
    createdBy: actor,
    createdAt: now,
  };
}

function covers(exception: AccessException, e: Entitlement): boolean {
  return exception.rule === e.rule && exception.entitlement.kind === e.kind && exception.entitlement.name === e.name;
}

/** `granted` without what a live exception of this person removes. */
export function withoutExcepted(granted: Entitlement[], exceptions: readonly AccessException[], policy: AccessPolicy): Entitlement[] {
  if (exceptions.length === 0) return granted;
  const live = exceptions.filter((x) => isLive(x, policy));
  return live.length ? granted.filter((e) => !live.some((x) => covers(x, e))) : granted;
}

/** `policy`, with each person's exceptions taken out of what it grants. */
export function withExceptions(policy: AccessPolicy, exceptions: readonly AccessException[]): AccessPolicy {
  if (exceptions.length === 0) return policy;
  const byIdentity = new Map<string, AccessException[]>();
  for (const x of exceptions) byIdentity.set(x.identityId, [...(byIdentity.get(x.identityId) ?? []), x]);
  return {
    entitlements(identity: Identity, context?: AccessContext): Entitlement[] {
      return withoutExcepted(policy.entitlements(identity, context), byIdentity.get(identity.id) ?? [], policy);
    },
    ...(policy.ruleFingerprint ? { ruleFingerprint: (rule: string) => policy.ruleFingerprint!(rule) } : {}),
  };
}
