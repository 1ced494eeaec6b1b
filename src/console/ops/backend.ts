// What the operator pages need from the daemon, and nothing more: src/app builds it from the
// engine, the store and the provisioning service.
import type { Attributes, AuditActor, Dispute, LifecycleState, SyncRun } from '../../domain/types';
import type { DeadLetter } from '../../services/provisioning/dead-letters';
import type { HeldRunSummary } from '../../services/sync/run-summary';

export type { DeadLetter, HeldRunSummary };

export interface HeldRunView {
  run: Omit<SyncRun, 'staged'>;
  /** a source run replays its staged records; a target run releases held removals */
  kind: 'source' | 'target';
  /** what allowing it would do now, or null with `summaryError` when it could not be worked out */
  summary: HeldRunSummary | null;
  summaryError?: string;
}

export interface CandidateView {
  identityId: string;
  username: string;
  state: LifecycleState;
  attributes: Attributes;
}

export interface DisputeView {
  dispute: Dispute;
  /** the candidates as stored now; an identity that no longer exists is left out */
  candidates: CandidateView[];
}

/** A request the backend refuses for a reason the operator can act on (status 400, 404 or 409). */
export class OpsRefusal extends Error {
  constructor(message: string, readonly status: 400 | 404 | 409 = 409) {
    super(message);
    this.name = 'OpsRefusal';
  }
}

export interface OpsBackend {
  heldRuns(): Promise<HeldRunView[]>;
  /** applies (source) or releases (target) a held run; resolves to one sentence saying what it did */
  allowRun(runId: string, actor: AuditActor): Promise<string>;
  deadLetters(): Promise<DeadLetter[]>;
  /** retries the dead letters of a target, optionally of one person (identity id); resolves to how many */
  retryDeadLetters(only: { target: string; identityId?: string }, actor: AuditActor): Promise<number>;
  disputes(): Promise<{ open: DisputeView[]; resolved: DisputeView[] }>;
  /** joins the disputed record to the candidate `identityId`; resolves to one sentence saying what happened */
  resolveDispute(disputeId: string, identityId: string, actor: AuditActor): Promise<string>;
}
