// Composition helpers for the daemon (src/app) and the CLI: roles -> policy and planner, target
// configs -> connectors, and the whole provisioning side with its admin API.
import type Redis from 'ioredis';
import type { Config } from '../config/schema';
import { targetSchema, rolesSchema, type TargetConfig } from '../config/sections/targets';
import type { AccessPolicy, IntentPlanner } from '../ports/access-policy';
import type { IdentityStore } from '../ports/identity-store';
import type { TargetConnector } from '../ports/target-connector';
import { systemClock, type Clock } from '../ports/clock';
import { openTarget } from '../connectors/targets';
import { createRolePolicy } from '../domain/roles';
import { createIntentPlanner } from '../domain/provisioning';
import { ProvisioningService } from '../services/provisioning/service';
import type { Logger } from '../ports/logger';
import { listDeadLetters, retryDeadLetters } from '../services/provisioning/dead-letters';
import { resyncUser, type ResyncDeps } from '../services/provisioning/resync';
import { allowTargetRun, isTargetRun } from '../services/provisioning/holds';
import { startAdminServer, type AdminServer } from './server';
import { adminSchema, parseListen } from './config';

export function parseTargets(config: Config): TargetConfig[] {
  return config.targets.map((t) => targetSchema.parse(t));
}

/** Role policy and intent planner from configuration; `base` (department groups) is kept. */
export function provisioningPolicy(config: Config, base?: AccessPolicy, clock: Clock = systemClock): { policy: AccessPolicy; planner: IntentPlanner } {
  const targets = parseTargets(config);
  return { policy: createRolePolicy(rolesSchema.parse(config.roles), targets, base), planner: createIntentPlanner(targets, () => clock.now()) };
}

export function openTargetConnectors(targets: TargetConfig[]): Map<string, TargetConnector> {
  return new Map(targets.map((t) => [t.name, openTarget(t as TargetConfig & { [k: string]: unknown })]));
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
}

export interface ProvisioningDaemon {
  service: ProvisioningService;
  admin: AdminServer | null;
  close(): Promise<void>;
}

export async function startProvisioningDaemon(d: ProvisioningDaemonDeps): Promise<ProvisioningDaemon> {
  const clock = d.clock ?? systemClock;
  const targets = parseTargets(d.config);
  const connectors = openTargetConnectors(targets);
  const service = new ProvisioningService({ store: d.store, redis: d.redis, prefix: d.config.redis.prefix, targets, connectors, clock, log: d.log });
  await service.start();
  let admin: AdminServer | null = null;
  if (d.config.admin) {
    const cfg = adminSchema.parse(d.config.admin);
    admin = await startAdminServer(parseListen(cfg.listen)!, cfg.token, {
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
      health: async () => health(service),
      metrics: () => service.metricsText(),
    });
    d.log.info({ address: admin.address }, 'admin API listening');
  }
  let closing: Promise<void> | null = null;
  return {
    service,
    admin,
    close: () =>
      (closing ??= (async () => {
        await admin?.close().catch(() => undefined);
        await service.close().catch(() => undefined);
        for (const c of connectors.values()) await c.close?.().catch(() => undefined);
      })()),
  };
}

async function health(service: ProvisioningService): Promise<{ ok: boolean; [k: string]: unknown }> {
  const depths = await service.queueDepths().catch(() => null);
  const targets = Object.fromEntries([...service.health].map(([t, h]) => [t, { quarantined: h.quarantined, ...h.stats(), queue: depths?.[t] ?? null }]));
  return { ok: depths !== null, redis: depths !== null ? 'ok' : 'unreachable', targets };
}
