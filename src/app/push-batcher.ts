// Coalesces pushed changes of one source that wait for each other into one locked run. A run of a
// pushed change costs a lock, a plan and a commit, mostly Redis and store round trips; fifty
// simultaneous terminations applied one by one made the last vendor wait behind forty-nine others.
// While one run of a source is under way, later pushes of that source queue; when it ends, the
// queued ones are applied together as one delta, and each caller hears only of its own change.
import type { AuditActor } from '../domain/types';
import type { RawRecord } from '../ports/source-connector';
import type { RunReport } from '../services/sync';

export interface PushedDelta {
  records: RawRecord[];
  removed: string[];
}

export interface PushOptions {
  actor: AuditActor;
  correlationId: string;
}

/** What one batched run applies: every delta of the batch, and whose correlation id each person's change carries. */
export interface BatchRun {
  delta: PushedDelta;
  /** of the first push of the batch: the run's audit actor */
  actor: AuditActor;
  correlationId: string;
  correlationIdFor: (externalId: string) => string;
}

export type ApplyBatch = (source: string, batch: BatchRun) => Promise<RunReport>;

/** The batched run ended failed: nothing of it is committed. */
export class PushNotCommittedError extends Error {
  constructor(reason: string | null) {
    super(`the change was not committed: ${reason ?? 'the run failed'}`);
    this.name = 'PushNotCommittedError';
  }
}

/** pushes per run at most, so one run's plan and commit stay small against a vendor's timeout */
export const MAX_PUSHES_PER_RUN = 200;

interface Pending {
  delta: PushedDelta;
  opts: PushOptions;
  ids: Set<string>;
  resolve: (report: RunReport) => void;
  reject: (err: unknown) => void;
}

export interface PushBatcher {
  /** Resolves once the change is committed, with the run report narrowed to this change. */
  push(source: string, delta: PushedDelta, opts: PushOptions): Promise<RunReport>;
}

export function pushBatcher(apply: ApplyBatch): PushBatcher {
  const queues = new Map<string, Pending[]>();

  async function drain(source: string, queue: Pending[]): Promise<void> {
    while (queue.length) await runBatch(source, takeBatch(queue));
    queues.delete(source);
  }

  async function runBatch(source: string, batch: Pending[]): Promise<void> {
    try {
      const report = await apply(source, mergeBatch(batch));
      // a failed run committed nothing of any change in it: every caller answers 5xx and its vendor retries
      if (report.status === 'failed') throw new PushNotCommittedError(report.reason);
      const batchLocations = new Set(batch.flatMap((p) => locationsOf(p.delta)));
      for (const p of batch) p.resolve(reportFor(report, p, batchLocations));
    } catch (err) {
      // the run is one commit, so an error leaves none of its changes stored: every caller of the
      // batch is rejected (and answers 5xx, so its vendor sends the change again)
      for (const p of batch) p.reject(err);
    }
  }

  return {
    push(source, delta, opts) {
      return new Promise<RunReport>((resolve, reject) => {
        const pending: Pending = { delta, opts, ids: idsOf(delta), resolve, reject };
        const queue = queues.get(source);
        if (queue) {
          queue.push(pending);
          return;
        }
        const fresh = [pending];
        queues.set(source, fresh);
        void drain(source, fresh);
      });
    },
  };
}

/**
 * The leading pushes of the queue that name nobody twice: a second change of one person goes into
 * the next run, so each person's changes are applied in the order they came.
 */
function takeBatch(queue: Pending[]): Pending[] {
  const seen = new Set<string>();
  let n = 0;
  while (n < queue.length && n < MAX_PUSHES_PER_RUN) {
    const ids = queue[n].ids;
    if (n > 0 && [...ids].some((id) => seen.has(id))) break;
    for (const id of ids) seen.add(id);
    n++;
  }
  return queue.splice(0, n);
}

function mergeBatch(batch: Pending[]): BatchRun {
  const correlation = new Map<string, string>();
  for (const p of batch) for (const id of p.ids) correlation.set(id, p.opts.correlationId);
  const first = batch[0].opts;
  return {
    delta: { records: batch.flatMap((p) => p.delta.records), removed: batch.flatMap((p) => p.delta.removed) },
    actor: first.actor,
    correlationId: first.correlationId,
    correlationIdFor: (externalId) => correlation.get(externalId) ?? first.correlationId,
  };
}

function idsOf(delta: PushedDelta): Set<string> {
  return new Set([...delta.records.map((r) => r.externalId), ...delta.removed]);
}

function locationsOf(delta: PushedDelta): string[] {
  return delta.records.map((r) => r.location ?? r.externalId);
}

/**
 * The run report as this caller's change saw it: its people's changes, and the problems of its
 * records. A problem no record of the batch owns is run-wide and reaches every caller.
 */
function reportFor(report: RunReport, p: Pending, batchLocations: Set<string>): RunReport {
  const own = new Set(locationsOf(p.delta));
  return {
    ...report,
    changes: report.changes.filter((c) => p.ids.has(c.externalId)),
    problems: report.problems.filter((pr) => own.has(pr.location) || !batchLocations.has(pr.location)),
  };
}
