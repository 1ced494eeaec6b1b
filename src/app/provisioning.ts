// Provisioning side of the daemon, when targets or the admin API are configured: role policy and
// intent planner for the sync, per-target queues and workers, outbox sweep, reconcile, admin API.
import type { Config } from '../config/schema';
import type { AccessPolicy, IntentPlanner } from '../ports/access-policy';
import { departmentGroupsPolicy } from '../services/policy/department-groups';
import { provisioningPolicy, startProvisioningDaemon } from '../admin/wiring';
import type { Engine } from './engine';
import type { OptionalServiceDeps } from './optional-services';
import { onRemoteCommits } from './change-feed';

export function wantsProvisioning(config: Config): boolean {
  return config.targets.length > 0 || config.roles.length > 0 || !!config.admin;
}

/** The rules the sync applies: role rules when configured, department groups always. */
export function accessRules(config: Config): { policy: AccessPolicy; planner?: IntentPlanner } {
  if (!wantsProvisioning(config)) return { policy: departmentGroupsPolicy };
  return provisioningPolicy(config, departmentGroupsPolicy);
}

export async function startProvisioning(deps: OptionalServiceDeps, engine: Engine): Promise<void> {
  const { config } = deps.loaded;
  if (!wantsProvisioning(config)) return;
  const daemon = await startProvisioningDaemon({
    config,
    store: deps.store,
    redis: deps.redis.client,
    log: deps.log.child({ component: 'provisioning' }),
    sync: engine.sync,
    sources: [...engine.sources.values()],
    allowSourceRun: (runId, actor) => engine.allowRun(runId, actor),
    health: deps.health,
  });
  deps.closer.add('provisioning', () => daemon.close());
  // Intents committed by another process (`idsync sync --once`, another instance) are sent at once.
  const log = deps.log.child({ component: 'provisioning' });
  const unsubscribe = await onRemoteCommits(deps.redis.client, config.redis.prefix, () => {
    daemon.service.sweep(0).catch((err: Error) => log.warn({ err: err.message }, 'dispatch after a remote commit failed'));
  });
  deps.closer.add('remote commit listener', unsubscribe);
}
