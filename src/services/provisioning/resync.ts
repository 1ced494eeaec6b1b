// Helpdesk resync of one person: re-read them from every source now, recompute, push every target
// at the highest priority, wait, and say what changed where.
import { randomUUID } from 'node:crypto';
import type { SourceConfig } from '../../config/sections/sources';
import type { Identity, Intent } from '../../domain/types';
import type { Clock } from '../../ports/clock';
import type { IdentityStore } from '../../ports/identity-store';
import type { SourceConnector } from '../../ports/source-connector';
import type { RunReport, SyncService } from '../sync';
import { changeLines } from '../sync/plan-text';
import { intentOf, PRIORITY_REVOKE } from '../../domain/provisioning/planner';
import { renderPlan } from '../../domain/provisioning/plan';
import { projectDiff } from '../../domain/identity-diff';
import { inspectPair } from './apply';
import { RESYNC_REASON } from './dispatcher';
import type { ProvisioningService } from './service';

export interface ResyncRequest {
  user: string;
  target?: string;
  dryRun?: boolean;
  actor?: string;
}

export interface ResyncTargetResult {
  target: string;
  plan: string[];
  outcome: 'applied' | 'failed' | 'dry-run' | 'still queued' | 'error';
  error?: string;
}

export interface ResyncResult {
  user: string;
  identityId: string;
  correlationId: string;
  dryRun: boolean;
  sources: { source: string; status: string }[];
  targets: ResyncTargetResult[];
}

export class ResyncError extends Error {
  constructor(message: string, readonly status: 400 | 404 | 504 = 400) {
    super(message);
    this.name = 'ResyncError';
  }
}

export interface ResyncDeps {
  store: IdentityStore;
  sync: Pick<SyncService, 'applyRecords'>;
  sources: { cfg: SourceConfig; connector: SourceConnector }[];
  provisioning: Pick<ProvisioningService, 'targetOf' | 'targetNames' | 'connector' | 'queue'>;
  clock: Clock;
  waitTimeoutMs?: number;
}

/** Called with the result as it stands: once the plans are known, then after each target's outcome. */
export type ResyncProgress = (result: ResyncResult) => void;

export async function resyncUser(deps: ResyncDeps, req: ResyncRequest, progress?: ResyncProgress): Promise<ResyncResult> {
  const before = await findPerson(deps.store, req.user);
  const targets = req.target ? [deps.provisioning.targetOf(req.target).name] : deps.provisioning.targetNames();
  const correlationId = `resync:${randomUUID()}`;
  const { sources, projected } = await rereadSources(deps, before, req, correlationId);
  const result: ResyncResult = { user: before.username, identityId: before.id, correlationId, dryRun: !!req.dryRun, sources, targets: [] };
  for (const t of targets) {
    try {
      const target = deps.provisioning.targetOf(t);
      const { plan, identity } = await inspectPair({ store: deps.store, connector: deps.provisioning.connector(t), target, clock: deps.clock }, before.id, projected);
      result.targets.push({ target: t, plan: renderPlan(t, identity?.username ?? req.user, plan), outcome: req.dryRun ? 'dry-run' : 'still queued' });
    } catch (err) {
      // the plan could not be read; the worker still tries (and retries) the pair itself
      const message = `could not read the account: ${(err as Error).message}`;
      result.targets.push({ target: t, plan: [], outcome: req.dryRun ? 'error' : 'still queued', error: message });
    }
  }
  if (req.dryRun) return result;
  progress?.(result);
  const intents = await pushNow(deps, before, result.targets.map((r) => r.target), correlationId);
  await waitFor(deps, intents, result, deps.waitTimeoutMs ?? 30000, progress);
  return result;
}

export async function findPerson(store: IdentityStore, user: string): Promise<Identity> {
  const found =
    (await store.getIdentity({ by: 'username', value: user })) ??
    (await store.getIdentity({ by: 'employeeId', value: user })) ??
    (await store.getIdentity({ by: 'mail', value: user }));
  if (!found) throw new ResyncError(`no identity with username, employee id or mail "${user}"`, 404);
  return found;
}

/** `projected`: for a dry run, the person as the re-read would leave them (undefined when applied) */
async function rereadSources(deps: ResyncDeps, person: Identity, req: ResyncRequest, correlationId: string) {
  const out: { source: string; status: string }[] = [];
  let projected: Identity | undefined = req.dryRun ? person : undefined;
  for (const link of person.links) {
    const src = deps.sources.find((s) => s.cfg.name === link.source);
    if (!src) {
      out.push({ source: link.source, status: 'not configured any more' });
      continue;
    }
    if (!src.connector.readOne) {
      out.push({ source: link.source, status: 'cannot read one person; using the last run' });
      continue;
    }
    const record = await src.connector.readOne(link.externalId);
    if (!record) {
      // never delete on doubt: a person missing from a single read is not a leaver
      out.push({ source: link.source, status: `no longer lists ${link.externalId}; left to the next complete run` });
      continue;
    }
    const report = await deps.sync.applyRecords(src.connector, src.cfg, [record], {
      actor: { kind: 'helpdesk', id: req.actor ?? 'helpdesk' },
      correlationId,
      dryRun: !!req.dryRun,
    });
    out.push({ source: link.source, status: sourceStatus(report) });
    if (projected) for (const c of report.changes) if (c.identityId === person.id) projected = projectDiff(projected, c.diff);
  }
  return { sources: out, projected };
}

/** A dry run reports its plan; an applied run the changes it made (an apply builds no plan lines). */
function sourceStatus(report: RunReport): string {
  if (report.plan.length) return report.plan.join('; ');
  const applied = report.changes.filter((c) => !c.deferred).flatMap(changeLines);
  if (applied.length) return `applied: ${applied.join('; ')}`;
  if (report.status === 'held') return `held: ${report.reason ?? 'see idsync runs list --held'}`;
  return 'unchanged';
}

async function pushNow(deps: ResyncDeps, person: Identity, targets: string[], correlationId: string): Promise<Intent[]> {
  const now = deps.clock.now().toISOString();
  const intents = targets.map((t) => intentOf(t, person, PRIORITY_REVOKE, RESYNC_REASON, correlationId, now));
  await deps.store.commit({ intents });
  for (const i of intents) {
    await deps.provisioning.queue.enqueue({ target: i.target, identityId: i.identityId, priority: PRIORITY_REVOKE, correlationId, intentId: i.id });
  }
  return intents;
}

async function waitFor(deps: ResyncDeps, intents: Intent[], result: ResyncResult, timeoutMs: number, progress?: ResyncProgress): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let open = [...intents];
  while (open.length && Date.now() < deadline) {
    const next: Intent[] = [];
    for (const i of open) {
      const now = await deps.store.getIntent(i.id);
      const row = result.targets.find((r) => r.target === i.target)!;
      if (now?.status === 'done') Object.assign(row, { outcome: 'applied', error: undefined });
      else if (now?.status === 'failed') Object.assign(row, { outcome: 'failed', error: now.lastError ?? undefined });
      else next.push(i);
    }
    if (next.length < open.length) progress?.(result);
    open = next;
    if (open.length) await new Promise((r) => setTimeout(r, 25));
  }
}
