// The operator pages' backend, built from the daemon's engine, store and provisioning service.
// Service errors a person can act on become OpsRefusal here, so the pages never see service types.
import type { OpsBackend, HeldRunView } from '../console/ops/backend';
import { OpsRefusal } from '../console/ops/backend';
import type { AuditActor, SyncRun } from '../domain/types';
import type { ChangeQueue } from '../ports/change-queue';
import type { Clock } from '../ports/clock';
import type { IdentityStore } from '../ports/identity-store';
import type { Logger } from '../ports/logger';
import { listDeadLetters, retryDeadLetters } from '../services/provisioning/dead-letters';
import { allowTargetRun, isTargetRun, targetHoldSummary } from '../services/provisioning/holds';
import { RunNotAllowableError } from '../services/sync';
import { DisputeResolutionError, resolveDispute, type DisputeFailure } from '../services/sync/dispute-resolution';
import { summariseChanges, type HeldRunSummary } from '../services/sync/run-summary';
import type { Engine } from './engine';
import { HeldRunSummaries } from './held-run-summaries';

export interface OpsBackendDeps {
  store: IdentityStore;
  engine: Pick<Engine, 'sync' | 'sources'>;
  /** absent when no target is configured: nothing can be dead-lettered or held at a target */
  provisioning: { queue: ChangeQueue; sweep(staleAfterMs: number): Promise<number> } | null;
  clock: Clock;
  log: Logger;
  /** held source runs whose summaries are remembered between page loads (default 64) */
  summaryCacheRuns?: number;
}

const REFUSAL_STATUS: Record<DisputeFailure, 400 | 404 | 409> = { 'not-found': 404, 'not-a-candidate': 400, 'already-resolved': 409, 'linked-elsewhere': 409 };

export function opsBackend(d: OpsBackendDeps): OpsBackend {
  const now = () => d.clock.now().toISOString();
  const summaries = new HeldRunSummaries(d.summaryCacheRuns);

  async function sourceRunSummary(runId: string): Promise<HeldRunSummary> {
    const seq = await d.store.latestChangeSeq();
    return summaries.get(runId, seq, async () => summariseChanges((await d.engine.sync.previewHeldRun(runId)).changes));
  }

  async function heldRunView(run: SyncRun): Promise<HeldRunView> {
    const { staged: _staged, ...row } = run;
    const kind = isTargetRun(run) ? 'target' : 'source';
    try {
      const summary = kind === 'target' ? await targetHoldSummary(d.store, run) : await sourceRunSummary(run.id);
      return { run: row, kind, summary };
    } catch (err) {
      d.log.warn({ runId: run.id, err: (err as Error).message }, 'previewing a held run failed');
      return { run: row, kind, summary: null, summaryError: (err as Error).message };
    }
  }

  async function allowSourceRun(runId: string, actor: AuditActor): Promise<string> {
    try {
      const report = await d.engine.sync.allowRun(runId, actor);
      const c = report.counts;
      return `run ${runId} allowed by ${actor.id} and applied: ${c.created} created, ${c.updated} updated, ${c.terminated} terminated, ${c.suspended} suspended`;
    } catch (err) {
      if (err instanceof RunNotAllowableError) throw new OpsRefusal(`${err.message}; nothing was applied`);
      throw err;
    }
  }

  return {
    async heldRuns() {
      const held = await d.store.listRuns({ status: ['held'] });
      const views: HeldRunView[] = [];
      // one at a time: each preview plans a whole run
      for (const run of held) views.push(await heldRunView(run));
      return views;
    },
    async allowRun(runId, actor) {
      const run = await d.store.getRun(runId);
      if (!run) throw new OpsRefusal(`no run with id ${runId}`, 404);
      if (run.status !== 'held') throw new OpsRefusal(`run ${runId} is ${run.status}, not held; only held runs can be allowed`);
      if (!isTargetRun(run)) return allowSourceRun(runId, actor);
      const { released } = await allowTargetRun(d.store, runId, actor, now());
      await d.provisioning?.sweep(0);
      return `run ${runId} allowed by ${actor.id}: ${released} job(s) released and sent`;
    },
    deadLetters: () => listDeadLetters(d.store),
    async retryDeadLetters(only, actor) {
      if (!d.provisioning) throw new OpsRefusal('no targets are configured in this daemon', 400);
      return (await retryDeadLetters(d.store, d.provisioning.queue, { target: only.target, user: only.identityId }, now(), actor)).length;
    },
    async disputes() {
      const all = await d.store.listDisputes(false);
      const identities = new Map((await d.store.getIdentities([...new Set(all.flatMap((x) => x.candidates))])).map((i) => [i.id, i]));
      const views = all.map((dispute) => ({
        dispute,
        candidates: dispute.candidates.flatMap((id) => {
          const i = identities.get(id);
          return i ? [{ identityId: i.id, username: i.username, state: i.state, attributes: i.attributes }] : [];
        }).sort((a, b) => a.username.localeCompare(b.username)),
      }));
      return {
        open: views.filter((v) => !v.dispute.resolvedAt),
        resolved: views.filter((v) => v.dispute.resolvedAt).sort((a, b) => (b.dispute.resolvedAt ?? '').localeCompare(a.dispute.resolvedAt ?? '')),
      };
    },
    async resolveDispute(disputeId, identityId, actor) {
      const deps = { store: d.store, sync: d.engine.sync, sources: d.engine.sources.values(), clock: d.clock };
      try {
        const r = await resolveDispute(deps, { disputeId, join: identityId, actor });
        return `${r.dispute.source} record ${r.dispute.externalId} joined to ${r.username} by ${actor.id}; ${r.outcome}`;
      } catch (err) {
        if (err instanceof DisputeResolutionError) throw new OpsRefusal(`${err.message}; nothing was changed`, REFUSAL_STATUS[err.failure]);
        throw err;
      }
    },
  };
}
