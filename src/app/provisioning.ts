// Provisioning side of the daemon, when targets, roles or the admin API are configured: target
// connectors, per-target queues and workers, outbox sweep, reconcile, and the admin API's handlers
// (the admin server itself starts later, in admin.ts, once the LDAP frontend is up).
import type Redis from 'ioredis';
import type { Config } from '../config/schema';
import type { TargetConfig } from '../config/sections/targets';
import type { IdentityStore } from '../ports/identity-store';
import type { Logger } from '../ports/logger';
import type { TargetConnector } from '../ports/target-connector';
import { systemClock, type Clock } from '../ports/clock';
import { openTarget } from '../connectors/targets';
import { ProvisioningService } from '../services/provisioning/service';
import { bullTransport } from '../queue/transport';
import { nodeCron } from '../cron/node-cron';
import { listDeadLetters, retryDeadLetters } from '../services/provisioning/dead-letters';
import { resyncUser, type ResyncDeps } from '../services/provisioning/resync';
import { allowTargetRun, isTargetRun } from '../services/provisioning/holds';
import type { AdminHandlers } from '../admin/server';
import type { Readiness } from '../observability/readiness';
import { targetQueueCheck } from '../observability/target-checks';
import type { Engine } from './engine';
import type { DaemonParts } from './parts';
import { parseTargets, wantsProvisioning } from './rules';

export function openTargetConnectors(targets: TargetConfig[], log?: Logger): Map<string, TargetConnector> {
  return new Map(targets.map((t) => [t.name, openTarget(t as TargetConfig & { [k: string]: unknown }, { log })]));
}

export interface ProvisioningDaemonDeps {
  config: Config;
  store: IdentityStore;
  /** a connection with maxRetriesPerRequest: null (BullMQ) */
  redis: Redis;
  log: Logger;
  /** SyncService and sources for resync; the engine's */
  sync: ResyncDeps['sync'];
  sources: ResyncDeps['sources'];
  /** source-run allowance for `POST /v1/runs/:id/allow`; target runs are handled here */
  allowSourceRun?(runId: string, actor: string): Promise<unknown>;
  clock?: Clock;
  /** readiness checks: each target's queue is added here; the admin API reports them all */
  health?: Readiness;
}

export interface ProvisioningDaemon {
  service: ProvisioningService;
  /** what the admin API's routes call */
  handlers: AdminHandlers;
  close(): Promise<void>;
}

export async function startProvisioningDaemon(d: ProvisioningDaemonDeps): Promise<ProvisioningDaemon> {
  const clock = d.clock ?? systemClock;
  const targets = parseTargets(d.config);
  const connectors = openTargetConnectors(targets, d.log);
  const service = new ProvisioningService({ store: d.store, transport: bullTransport(d.redis, d.config.redis.prefix, d.log), cron: nodeCron, targets, connectors, clock, log: d.log });
  await service.start();
  const queues = { quarantined: (t: string) => !!service.health.get(t)?.quarantined, depth: (t: string) => service.queue.depth(t) };
  for (const t of targets) d.health?.add(targetQueueCheck(d.store, queues, t.name, () => clock.now()));
  const handlers: AdminHandlers = {
    resync: (req) => resyncUser({ store: d.store, sync: d.sync, sources: d.sources, provisioning: service, clock }, req),
    failed: (target) => listDeadLetters(d.store, { target }),
    retry: (only) => retryDeadLetters(d.store, service.queue, only, clock.now().toISOString()),
    allowRun: async (runId, actor) => {
      const run = await d.store.getRun(runId);
      if (run && isTargetRun(run)) {
        const res = await allowTargetRun(d.store, runId, { kind: 'helpdesk', id: actor }, clock.now().toISOString());
        await service.sweep(0);
        return res;
      }
      if (!d.allowSourceRun) throw new Error(`run ${runId} is not a target run`);
      return d.allowSourceRun(runId, actor);
    },
    health: async () => ({ ...(await health(service)), ...(d.health ? { ready: await d.health.report() } : {}) }),
    ready: d.health ? () => d.health!.report() : undefined,
    metrics: async () => (await service.metricsText()) + ((await d.health?.metricsText()) ?? ''),
  };
  let closing: Promise<void> | null = null;
  return {
    service,
    handlers,
    close: () =>
      (closing ??= (async () => {
        await service.close().catch((err: Error) => d.log.warn({ err: err.message }, 'closing provisioning failed'));
        for (const c of connectors.values()) await c.close?.().catch((err: Error) => d.log.warn({ target: c.name, err: err.message }, 'closing a target connector failed'));
      })()),
  };
}

async function health(service: ProvisioningService): Promise<{ ok: boolean; [k: string]: unknown }> {
  const depths = await service.queueDepths().catch(() => null);
  const targets = Object.fromEntries([...service.health].map(([t, h]) => [t, { quarantined: h.quarantined, ...h.stats(), queue: depths?.[t] ?? null }]));
  return { ok: depths !== null, redis: depths !== null ? 'ok' : 'unreachable', targets };
}

export async function startProvisioning(deps: DaemonParts, engine: Engine): Promise<ProvisioningDaemon | null> {
  const { config } = deps.loaded;
  if (!wantsProvisioning(config)) return null;
  const log = deps.log.child({ component: 'provisioning' });
  const daemon = await startProvisioningDaemon({
    config,
    store: deps.store,
    redis: deps.redis.client,
    log,
    sync: engine.sync,
    sources: [...engine.sources.values()],
    allowSourceRun: (runId, actor) => engine.allowRun(runId, actor),
    health: deps.health,
  });
  deps.closer.add('provisioning', () => daemon.close());
  // Intents committed by another process (`idsync sync --once`, another instance) are sent at once.
  const unsubscribe = deps.changes.subscribe(() => {
    daemon.service.sweep(0).catch((err: Error) => log.warn({ err: err.message }, 'dispatch after a remote commit failed'));
  });
  deps.closer.add('remote commit listener', unsubscribe);
  return daemon;
}
