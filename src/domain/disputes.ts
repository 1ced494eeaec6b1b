// A dispute is a source record its join rules matched to more than one identity. A person decides
// which candidate it is; from then on correlation links the record there before any join rule.
import type { AuditActor, Dispute, Identity } from './types';

export type DisputeRefusal = 'not-a-candidate' | 'already-resolved' | 'linked-elsewhere';

/** A decision that cannot be taken: the reason names what is wrong. */
export class DisputeDecisionError extends Error {
  constructor(readonly refusal: DisputeRefusal, message: string) {
    super(message);
    this.name = 'DisputeDecisionError';
  }
}

/** An operator's answer to a dispute, as correlation consults it. */
export interface DecidedJoin {
  identityId: string;
  disputeId: string;
}

/**
 * The dispute resolved in favour of `chosen`, or a DisputeDecisionError: the choice must be one of
 * its candidates, the dispute still open, and the chosen identity must not already link another
 * record of the same source (one source never describes one person twice).
 */
export function decideDispute(dispute: Dispute, chosen: Identity, decidedBy: AuditActor, now: string): Dispute {
  if (dispute.resolvedAt) {
    const who = dispute.resolution ? ` by ${dispute.resolution.decidedBy.id} (joined to ${dispute.resolution.username})` : '';
    throw new DisputeDecisionError('already-resolved', `dispute ${dispute.id} was already resolved at ${dispute.resolvedAt}${who}`);
  }
  if (!dispute.candidates.includes(chosen.id)) {
    throw new DisputeDecisionError('not-a-candidate', `${chosen.username} is not a candidate of dispute ${dispute.id}`);
  }
  const other = chosen.links.find((l) => l.source === dispute.source && l.externalId !== dispute.externalId);
  if (other) {
    throw new DisputeDecisionError(
      'linked-elsewhere',
      `${chosen.username} is already linked to record ${other.externalId} of source ${dispute.source}; a source describes one person once`,
    );
  }
  return { ...dispute, resolvedAt: now, resolution: { identityId: chosen.id, username: chosen.username, decidedBy, decidedAt: now } };
}

/** The decided joins of one source's disputes, by the disputed record's external id; the latest decision wins. */
export function decidedJoins(disputes: readonly Dispute[], source: string): Map<string, DecidedJoin> {
  const out = new Map<string, DecidedJoin & { at: string }>();
  for (const d of disputes) {
    if (d.source !== source || !d.resolution) continue;
    const seen = out.get(d.externalId);
    if (!seen || seen.at < d.resolution.decidedAt) out.set(d.externalId, { identityId: d.resolution.identityId, disputeId: d.id, at: d.resolution.decidedAt });
  }
  return new Map([...out].map(([externalId, { identityId, disputeId }]) => [externalId, { identityId, disputeId }]));
}
