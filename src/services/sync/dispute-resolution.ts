// Resolving a dispute: a person says which candidate identity a disputed source record belongs
// to. The decision is recorded (and audited) first, so every later run honours it; then the record
// is applied at once, read again from its source where the source can read one record.
import type { SourceConfig } from '../../config/sections/sources';
import { decideDispute, DisputeDecisionError, type DisputeRefusal } from '../../domain/disputes';
import type { AuditActor, Dispute, Identity } from '../../domain/types';
import type { Clock } from '../../ports/clock';
import type { IdentityStore } from '../../ports/identity-store';
import type { RawRecord, SourceConnector } from '../../ports/source-connector';
import { changeLines } from './plan-text';
import type { SyncService } from './sync-service';
import type { RunReport } from './types';

export type DisputeFailure = DisputeRefusal | 'not-found';

/** Why a dispute could not be resolved, in one sentence; `failure` lets each edge pick its status. */
export class DisputeResolutionError extends Error {
  constructor(readonly failure: DisputeFailure, message: string) {
    super(message);
    this.name = 'DisputeResolutionError';
  }
}

export interface DisputeResolutionDeps {
  store: IdentityStore;
  sync: Pick<SyncService, 'applyRecords'>;
  sources: Iterable<{ cfg: SourceConfig; connector: SourceConnector }>;
  clock: Clock;
}

export interface DisputeResolutionRequest {
  disputeId: string;
  /** the chosen candidate's username (any case) or identity id */
  join: string;
  actor: AuditActor;
}

export interface DisputeResolutionResult {
  dispute: Dispute;
  username: string;
  /** how the record was applied: read again from the source, the attributes kept with the dispute, or not now */
  applied: 'read again' | 'stored attributes' | 'not applied';
  /** what happened, in one sentence */
  outcome: string;
}

export async function resolveDispute(deps: DisputeResolutionDeps, req: DisputeResolutionRequest): Promise<DisputeResolutionResult> {
  const dispute = (await deps.store.listDisputes(false)).find((d) => d.id === req.disputeId);
  if (!dispute) throw new DisputeResolutionError('not-found', `no dispute with id ${req.disputeId}; see \`idsync disputes list\``);
  const candidates = await deps.store.getIdentities(dispute.candidates);
  const chosen = pickCandidate(dispute, candidates, req.join);
  const now = deps.clock.now().toISOString();
  let resolved: Dispute;
  try {
    resolved = decideDispute(dispute, chosen, req.actor, now);
  } catch (err) {
    if (err instanceof DisputeDecisionError) throw new DisputeResolutionError(err.refusal, err.message);
    throw err;
  }
  const correlationId = `${dispute.id}:resolve`;
  await deps.store.commit({
    disputes: [resolved],
    audit: [{
      time: now,
      actor: req.actor,
      action: 'dispute.resolve',
      subject: { kind: 'dispute', id: dispute.id },
      before: { resolvedAt: null, candidates: dispute.candidates },
      after: { source: dispute.source, externalId: dispute.externalId, identityId: chosen.id, username: chosen.username, resolvedAt: now },
      correlationId,
    }],
  });
  const applied = await applyNow(deps, resolved, chosen, req.actor, correlationId);
  return { dispute: resolved, username: chosen.username, ...applied };
}

function pickCandidate(dispute: Dispute, candidates: Identity[], join: string): Identity {
  const wanted = join.trim().toLowerCase();
  const found = candidates.find((c) => c.id === join || c.username.toLowerCase() === wanted);
  if (found) return found;
  const names = candidates.map((c) => c.username).join(', ') || '(none of them exists any more)';
  throw new DisputeResolutionError('not-a-candidate', `"${join}" is not a candidate of dispute ${dispute.id}; its candidates are ${names}`);
}

async function applyNow(
  deps: DisputeResolutionDeps,
  dispute: Dispute,
  chosen: Identity,
  actor: AuditActor,
  correlationId: string,
): Promise<Pick<DisputeResolutionResult, 'applied' | 'outcome'>> {
  const src = [...deps.sources].find((s) => s.cfg.name === dispute.source);
  if (!src) return { applied: 'not applied', outcome: `source ${dispute.source} is not configured; the decision applies when it runs again` };
  const found = await recordToApply(src.connector, dispute);
  if (found.kind === 'none') return { applied: 'not applied', outcome: found.why };
  const report = await deps.sync.applyRecords(src.connector, src.cfg, [found.record], { actor, correlationId });
  const linked = (await deps.store.getSourceRecord(dispute.source, dispute.externalId))?.identityId === chosen.id;
  const note = found.kind === 'stored' ? `${found.why}; applied the attributes kept with the dispute (as read at ${dispute.openedAt}); ` : '';
  return { applied: found.kind === 'read' ? 'read again' : 'stored attributes', outcome: `${note}${reportOutcome(report, chosen, linked)}` };
}

type RecordToApply =
  | { kind: 'read'; record: RawRecord }
  | { kind: 'stored'; record: RawRecord; why: string }
  | { kind: 'none'; why: string };

/** The record as the source has it now; the attributes kept with the dispute when the source cannot read it again. */
async function recordToApply(connector: SourceConnector, dispute: Dispute): Promise<RecordToApply> {
  let why: string;
  if (!connector.readOne) why = `source ${dispute.source} cannot read one record`;
  else {
    try {
      const record = await connector.readOne(dispute.externalId);
      // never delete on doubt: a record missing from one read is left to the next complete run
      if (!record) return { kind: 'none', why: `source ${dispute.source} no longer lists ${dispute.externalId}; the decision applies if it lists it again` };
      return { kind: 'read', record };
    } catch (err) {
      why = `reading ${dispute.externalId} again failed (${(err as Error).message})`;
    }
  }
  if (!dispute.attributes) return { kind: 'none', why: `${why} and no attributes were kept with the dispute; the next run of ${dispute.source} links the record` };
  return { kind: 'stored', record: { externalId: dispute.externalId, attributes: dispute.attributes, location: `dispute ${dispute.id}` }, why };
}

function reportOutcome(report: RunReport, chosen: Identity, linked: boolean): string {
  if (report.status === 'failed') return `applying the record failed: ${report.reason ?? 'unknown error'}; the next run of ${report.source} tries again`;
  if (report.problems.length) return `the record was not applied: ${report.problems.map((p) => p.message).join('; ')}`;
  if (report.counts.disputed) return `the record is disputed again (its candidates changed); see \`idsync disputes list\``;
  if (!linked) return `the record was not linked to ${chosen.username} (${report.status}${report.reason ? `: ${report.reason}` : ''}); the next run of ${report.source} tries again`;
  const lines = report.changes.filter((c) => c.identityId === chosen.id && !c.deferred).flatMap(changeLines);
  return lines.length ? `linked to ${chosen.username}: ${lines.join('; ')}` : `linked to ${chosen.username}; nothing else changed`;
}
