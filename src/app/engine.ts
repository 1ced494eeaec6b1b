// Wires the sync use case from configuration: sources, access rules, and the cross-instance lock.
// The daemon and every CLI command that syncs, plans or allows a run build their engine here.
import type Redis from 'ioredis';
import type { Config } from '../config/schema';
import type { SourceConfig } from '../config/sections/sources';
import type { IdentityStore } from '../ports/identity-store';
import type { SourceConnector } from '../ports/source-connector';
import type { AuditActor } from '../domain/types';
import { systemClock, type Clock } from '../ports/clock';
import { openSource } from '../connectors/sources';
import { SyncService, type RunReport } from '../services/sync';
import { runSourceLocked } from '../services/scheduling/source-runner';
import { redisLocks } from '../redis/lock';
import type { Logger } from '../ports/logger';
import { accessRules, type AccessRules } from './rules';
import { pushBatcher, type BatchRun, type PushedDelta } from './push-batcher';

export type { RunReport };

export type SourceRunOutcome = { source: string } & ({ ran: true; report: RunReport } | { ran: false; reason: string });

export type { PushedDelta };

/** The source's lock stayed with another run for longer than a pushed change may wait. */
export class SourceBusyError extends Error {
  constructor(source: string, reason: string) {
    super(`source ${source} is busy: ${reason}`);
    this.name = 'SourceBusyError';
  }
}

/** how long a pushed change waits for its source's lock: under the 3 s or so a vendor waits for an answer */
const PUSH_LOCK_WAIT_MS = [25, 50, 100, 200, 400, 800];

export interface EngineContext {
  loaded: { config: Config; baseDir: string };
  store: IdentityStore;
  log: Logger;
}

export interface EngineOptions {
  /** the cross-instance lock lives here; without it only dry runs are possible */
  redis?: Redis | null;
  clock?: Clock;
}

export interface Engine {
  sync: SyncService;
  rules: AccessRules;
  sources: Map<string, { cfg: SourceConfig; connector: SourceConnector }>;
  runSource(name: string, opts?: { dryRun?: boolean }): Promise<SourceRunOutcome>;
  runSources(opts: { only?: string; dryRun: boolean }): Promise<SourceRunOutcome[]>;
  allowRun(runId: string, actor: string): Promise<RunReport>;
  /**
   * Commits one change a push source sent, under the same per-source lock as a polled run (waiting
   * for it a short while); resolves once it is in the store, with the run's report narrowed to this
   * change. Changes pushed while a run of their source is under way are applied together in the
   * next run (push-batcher.ts). Throws SourceBusyError when the lock stays taken, and
   * PushNotCommittedError when the run failed.
   */
  applyPushed(name: string, delta: PushedDelta, opts: { actor: AuditActor; correlationId: string }): Promise<RunReport>;
  close(): Promise<void>;
}

export function buildEngine(ctx: EngineContext, opts: EngineOptions = {}): Engine {
  const { config, baseDir } = ctx.loaded;
  const clock = opts.clock ?? systemClock;
  const rules = accessRules(config, clock);
  const sync = new SyncService({
    store: ctx.store,
    clock,
    policy: rules.policy,
    planner: rules.planner,
    identity: config.identity,
    log: ctx.log,
    sources: config.sources,
  });
  const sources = new Map(config.sources.map((cfg) => [cfg.name, { cfg, connector: openSource(cfg, { baseDir, clock: opts.clock }) }]));
  const keyPrefix = config.redis.prefix;

  async function runSource(name: string, o: { dryRun?: boolean } = {}): Promise<SourceRunOutcome> {
    const entry = sources.get(name);
    if (!entry) throw new Error(`no source named "${name}" in the configuration`);
    const dryRun = !!o.dryRun;
    const run = (c: SourceConnector, cfg: SourceConfig, ro: { dryRun: boolean; beforeCommit?: () => Promise<void> }) => sync.runSource(c, cfg, ro);
    if (!opts.redis) {
      if (!dryRun) throw new Error('a sync run needs Redis for its cross-instance lock');
      return { source: name, ran: true, report: await run(entry.connector, entry.cfg, { dryRun }) };
    }
    const res = await runSourceLocked({ locks: redisLocks(opts.redis), keyPrefix, run, onTakeover: (m) => ctx.log.warn({ source: name }, m) }, entry.connector, entry.cfg, { dryRun });
    return { source: name, ...res };
  }

  async function applyBatchLocked(name: string, batch: BatchRun): Promise<RunReport> {
    const entry = sources.get(name);
    if (!entry) throw new Error(`no source named "${name}" in the configuration`);
    if (!opts.redis) throw new Error('a pushed change needs Redis for its source lock');
    const locks = redisLocks(opts.redis);
    const pushed = { actor: batch.actor, correlationId: batch.correlationId, correlationIdFor: batch.correlationIdFor };
    const run = (c: SourceConnector, cfg: SourceConfig, ro: { beforeCommit?: () => Promise<void> }) => sync.applyPushed(c, cfg, batch.delta, { ...pushed, beforeCommit: ro.beforeCommit });
    let reason = '';
    for (const wait of [0, ...PUSH_LOCK_WAIT_MS]) {
      if (wait) await new Promise((r) => setTimeout(r, wait));
      const res = await runSourceLocked({ locks, keyPrefix, run, onTakeover: (m) => ctx.log.warn({ source: name }, m) }, entry.connector, entry.cfg, { dryRun: false });
      if (res.ran) return res.report;
      reason = res.reason;
    }
    throw new SourceBusyError(name, reason);
  }

  // one run per source at a time in this process, the pushes waiting for it applied together next;
  // the Redis lock orders instances
  const batcher = pushBatcher(applyBatchLocked);
  const applyPushed: Engine['applyPushed'] = (name, delta, o) => batcher.push(name, delta, o);

  return {
    sync,
    rules,
    sources,
    runSource,
    applyPushed,
    async runSources({ only, dryRun }) {
      if (only && !sources.has(only)) throw new Error(`no source named "${only}" in the configuration`);
      const names = only ? [only] : [...sources.keys()];
      const out: SourceRunOutcome[] = [];
      for (const n of names) out.push(await runSource(n, { dryRun }));
      return out;
    },
    allowRun: (runId, actor) => sync.allowRun(runId, { kind: 'helpdesk', id: actor }),
    async close() {
      for (const { cfg, connector } of sources.values()) await connector.close?.().catch((err: Error) => ctx.log.warn({ source: cfg.name, err: err.message }, 'closing a source failed'));
    },
  };
}
