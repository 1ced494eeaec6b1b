// Provisioning as one service: queues, one worker per target, the dispatcher and outbox sweeps,
// quarantine and metrics. The daemon starts it; the fault tests run its workers in child processes.
import type { TargetConfig } from '../../config/sections/targets';
import type { JobContext, ProvisioningQueue, ProvisioningTransport, ProvisionJob, TargetWorker } from '../../ports/change-queue';
import type { CronScheduler, CronTask } from '../../ports/cron';
import { systemClock, type Clock } from '../../ports/clock';
import type { IdentityStore } from '../../ports/identity-store';
import { silentLogger, type Logger } from '../../ports/logger';
import type { TargetConnector } from '../../ports/target-connector';
import { PRIORITY_REVOKE } from '../../domain/provisioning/planner';
import { applyPair, failPair, type ApplyOutcome } from './apply';
import { CallGate } from './call-gate';
import { Dispatcher } from './dispatcher';
import { ProvisioningMetrics } from './metrics';
import { TargetHealth } from './quarantine';
import { reconcileTarget, type ReconcileReport } from './reconcile';


export interface ProvisioningOptions<Q extends ProvisioningQueue = ProvisioningQueue> {
  store: IdentityStore;
  /** queues and workers (BullMQ in src/queue) */
  transport: ProvisioningTransport<Q>;
  /** target reconcile schedules (node-cron in src/cron); required when a target has one */
  cron?: CronScheduler;
  targets: TargetConfig[];
  connectors: Map<string, TargetConnector>;
  clock?: Clock;
  log?: Logger;
  /** run workers in this process (default true) */
  workers?: boolean;
  /** dispatch on every store commit in this process (default true) */
  dispatchOnCommit?: boolean;
  /** outbox sweep period and the age after which a pending intent is sent again */
  sweepIntervalMs?: number;
  staleAfterMs?: number;
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  maxStalledCount?: number;
  /**
   * jobs a worker holds per place of the target's concurrency: above 1, fetching the next job
   * overlaps with the calls in flight, while the target still sees at most `concurrency` (default 2)
   */
  prefetch?: number;
  /** called after each applied pair (tests, drills) */
  onApplied?(outcome: ApplyOutcome): void;
}

export class ProvisioningService<Q extends ProvisioningQueue = ProvisioningQueue> {
  readonly queue: Q;
  readonly dispatcher: Dispatcher;
  readonly metrics = new ProvisioningMetrics();
  readonly health = new Map<string, TargetHealth>();
  private workers: TargetWorker[] = [];
  private timers: NodeJS.Timeout[] = [];
  private cronTasks: CronTask[] = [];
  private unsubscribe: (() => void) | null = null;
  private closing: Promise<void> | null = null;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly targets: Map<string, TargetConfig>;
  /** per target: how many pairs are applied at once, whoever asks (worker, resync) */
  private readonly gates = new Map<string, CallGate>();

  constructor(private o: ProvisioningOptions<Q>) {
    this.clock = o.clock ?? systemClock;
    this.log = o.log ?? silentLogger;
    this.targets = new Map(o.targets.map((t) => [t.name, t]));
    this.queue = o.transport.openQueue((t) => this.targetOf(t).retries);
    this.dispatcher = new Dispatcher({
      store: o.store,
      queue: this.queue,
      targets: o.targets,
      clock: this.clock,
      onError: (err) => this.log.error({ err }, 'dispatching intents failed'),
    });
    for (const t of o.targets) {
      this.health.set(t.name, new TargetHealth(t.name, t.quarantine));
      this.gates.set(t.name, new CallGate(t.concurrency));
    }
  }

  async start(): Promise<void> {
    if (this.o.dispatchOnCommit !== false) {
      this.unsubscribe = this.o.store.onChange((e) => void this.dispatchNow(e.identityIds));
    }
    if (this.o.workers !== false) for (const t of this.o.targets) this.workers.push(this.startWorker(t));
    const every = this.o.sweepIntervalMs ?? 30000;
    this.timers.push(setInterval(() => void this.sweep().catch((err) => this.log.error({ err }, 'outbox sweep failed')), every));
    for (const t of this.o.targets) if (t.reconcile.schedule) this.cronTasks.push(this.scheduleReconcile(t));
    await Promise.all(this.workers.map((w) => w.waitUntilReady()));
    await this.sweep(0);
  }

  /** Re-enqueues every pending intent older than staleAfterMs (0 = all of them). */
  sweep(staleAfterMs = this.o.staleAfterMs ?? 60000): Promise<number> {
    return this.dispatcher.sweep(staleAfterMs);
  }

  /** Reads the target's accounts, sends drifted and missing pairs through the queue, reports orphans. */
  reconcile(target: string, opts: { dryRun?: boolean } = {}): Promise<ReconcileReport> {
    const t = this.targetOf(target);
    return reconcileTarget({ store: this.o.store, connector: this.connector(target), target: t, clock: this.clock, queue: this.queue }, opts);
  }

  /** Sends these identities' pending intents now; a failure is logged and left to the outbox sweep. */
  private async dispatchNow(identityIds: string[]): Promise<void> {
    await this.dispatcher.dispatchIdentities(identityIds).catch((err: Error) => this.log.warn({ identities: identityIds.length, err: err.message }, 'dispatch failed; the outbox sweep sends the intents later'));
  }

  private scheduleReconcile(t: TargetConfig): CronTask {
    if (!this.o.cron) throw new Error(`target ${t.name} has a reconcile schedule, but no scheduler was given`);
    return this.o.cron.schedule(t.reconcile.schedule!, () => {
      this.reconcile(t.name)
        .then((r) => this.log.info({ target: t.name, drift: r.drift.length, missing: r.missing.length, orphans: r.orphans.length }, 'target reconciled'))
        .catch((err) => this.log.error({ target: t.name, err: (err as Error).message }, 'target reconcile failed'));
    }, { name: `reconcile:${t.name}`, noOverlap: true });
  }

  connector(target: string): TargetConnector {
    const c = this.o.connectors.get(target);
    if (!c) throw new Error(`no connector opened for target "${target}"`);
    return c;
  }

  targetOf(name: string): TargetConfig {
    const t = this.targets.get(name);
    if (!t) throw new Error(`no target named "${name}" in the configuration`);
    return t;
  }

  targetNames(): string[] {
    return [...this.targets.keys()];
  }

  async queueDepths(): Promise<Record<string, Record<string, number>>> {
    const out: Record<string, Record<string, number>> = {};
    for (const t of this.targets.keys()) out[t] = await this.queue.depth(t);
    return out;
  }

  async metricsText(): Promise<string> {
    const quarantined = Object.fromEntries([...this.health].map(([t, h]) => [t, h.quarantined]));
    return this.metrics.render({ queueDepths: await this.queueDepths(), quarantined });
  }

  /** Applies one job now, in this process: the worker body, also used by in-process resync. */
  async handle(job: ProvisionJob, ctx: JobContext = { attemptsMade: 0, maxAttempts: 1, lastAttempt: true }): Promise<ApplyOutcome> {
    const target = this.targetOf(job.target);
    const health = this.health.get(target.name)!;
    const wait = health.delayBeforeCall();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    try {
      const deps = { store: this.o.store, connector: this.connector(target.name), target, clock: this.clock };
      const outcome = await this.gates.get(target.name)!.run(job.priority, () => applyPair(deps, job));
      await this.recordHealth(target.name, true);
      this.observe(outcome, job);
      return outcome;
    } catch (err) {
      await this.recordHealth(target.name, false);
      this.log.warn({ target: target.name, identityId: job.identityId, err: (err as Error).message, attempt: ctx.attemptsMade + 1 }, 'provisioning attempt failed');
      throw err;
    }
  }

  private observe(outcome: ApplyOutcome, job: ProvisionJob): void {
    this.metrics.countApplied(outcome.target, outcome.plan.action);
    const revoking = outcome.plan.action === 'disable' || outcome.plan.action === 'remove';
    if (revoking && job.priority === PRIORITY_REVOKE && outcome.oldestIntentAt) {
      this.metrics.observeRevoke(outcome.target, (this.clock.now().getTime() - Date.parse(outcome.oldestIntentAt)) / 1000);
    }
    this.o.onApplied?.(outcome);
  }

  private async recordHealth(target: string, ok: boolean): Promise<void> {
    const health = this.health.get(target)!;
    const transition = health.record(ok);
    if (!transition) return;
    const now = this.clock.now().toISOString();
    this.log.warn({ target, ...health.stats() }, `target ${transition}`);
    await this.o.store.commit({
      audit: [{
        time: now,
        actor: { kind: 'system', id: 'provisioning' },
        action: `target.${transition}`,
        subject: { kind: 'target', id: target },
        before: null,
        after: health.stats(),
        correlationId: `target:${target}:${now}`,
      }],
    });
  }

  private startWorker(target: TargetConfig): TargetWorker {
    return this.o.transport.startWorker({
      target: target.name,
      concurrency: target.concurrency * (this.o.prefetch ?? 2),
      rateLimit: target.rateLimit,
      retries: target.retries,
      lockDurationMs: this.o.lockDurationMs,
      stalledIntervalMs: this.o.stalledIntervalMs,
      maxStalledCount: this.o.maxStalledCount,
      handle: async (job, ctx) => {
        await this.handle(job, ctx);
      },
      // a change committed while the job ran found its id taken: the id is free now, send it
      onCompleted: (job) => void this.dispatchNow([job.identityId]),
      onDeadLetter: async (job, err) => {
        this.log.error({ target: job.target, identityId: job.identityId, err: err.message }, 'provisioning job dead-lettered');
        await failPair(this.o.store, job, err.message, this.clock.now().toISOString());
      },
    });
  }

  /** Idempotent; runs every cleanup even if one fails. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.unsubscribe?.();
      for (const t of this.timers) clearInterval(t);
      for (const c of this.cronTasks) await Promise.resolve(c.stop()).catch((err: Error) => this.log.warn({ err: err.message }, 'stopping a reconcile schedule failed'));
      await Promise.allSettled(this.workers.map((w) => w.close()));
      await this.queue.close();
    })();
    return this.closing;
  }
}
