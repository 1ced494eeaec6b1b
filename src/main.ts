// The daemon's start: configuration -> adapters -> services, assembled from src/app (the composition
// root the CLI commands use too). SIGTERM -> close() in reverse order.
import { registerBuiltInValidators } from './config/built-in-validators';
import { loadConfig, type LoadedConfig } from './config/loader';
import { createLogger } from './observability/logger';
import type { Logger } from './ports/logger';
import type { RedisHandle } from './redis/connection';
import { connectConfiguredRedis, openAuditedStore } from './app/infrastructure';
import { buildEngine, type Engine } from './app/engine';
import { Scheduler } from './services/scheduling/scheduler';
import { nodeCron } from './cron/node-cron';
import { Closer } from './app/closer';
import type { IdentityStore } from './ports/identity-store';
import { startOptionalServices } from './app/optional-services';
import { startProvisioning } from './app/provisioning';
import { startAdmin } from './app/admin';
import type { Clock } from './ports/clock';
import { changeChannel, publishCommits, redisChangeFeed } from './change-feed';
import { openSystemdNotifier } from './observability/sd-notify';
import { ActivityStatus } from './observability/activity-status';
import { Readiness, registerCoreChecks } from './observability/readiness';
import type { InboundMetrics } from './observability/inbound-metrics';

export interface Daemon {
  loaded: LoadedConfig;
  store: IdentityStore;
  redis: RedisHandle;
  engine: Engine;
  log: Logger;
  close(): Promise<string[]>;
  reload(): Promise<void>;
  /** the inbound listener's address and counters, when configured */
  inbound: { address: string; metrics: InboundMetrics } | null;
  /** the LDAP frontend's listener URLs (empty without an ldap: section) */
  ldapAddresses: string[];
  /** the admin server (API and console), when `admin:` is configured */
  admin: { address: string } | null;
  /** resolves once this process's LDAP view holds every change committed so far (at once without an ldap: section) */
  viewCaughtUp(): Promise<void>;
}

export interface DaemonOptions {
  log?: Logger;
  /** run every source once right after start (default true), then on schedule */
  initialSync?: boolean;
  /**
   * how long the LDAP view gathers committed changes before applying them (default 5 ms); tests
   * set it long so a view that lags shows, and a 2xx that does not wait for it fails them
   */
  ldapViewDelayMs?: number;
  /** the clock console sessions expire by (tests move it instead of waiting out an idle timeout) */
  consoleClock?: Clock;
}

export async function startDaemon(configFile: string, opts: DaemonOptions = {}): Promise<Daemon> {
  registerBuiltInValidators();
  const loaded = loadConfig(configFile);
  const { config } = loaded;
  const log = opts.log ?? createLogger(config.logging.level);
  const closer = new Closer();
  const notifier = openSystemdNotifier(process.env, log);
  notifier.status('starting');
  const health = new Readiness();
  try {
    const audited = await openAuditedStore(loaded, log);
    closer.add('store and audit sinks', () => audited.close());
    const store = audited.store;
    const redis = await connectConfiguredRedis(loaded, log);
    closer.add('redis', () => redis.close());
    log.info({ redis: redis.describe, store: config.store.kind }, 'connected');
    const changes = redisChangeFeed(redis.client, changeChannel(config.redis.prefix), log.child({ component: 'change-feed' }));
    closer.add('change feed', () => changes.close());
    await changes.listen();
    const unpublish = publishCommits(store, changes, log);
    closer.add('change publisher', () => unpublish());
    registerCoreChecks(health, { store, redis: redis.client, sources: config.sources.map((s) => s.name) });
    const deps = { loaded, store, redis, log, closer, changes, health };
    const engine = buildEngine({ loaded, store, log }, { redis: redis.client });
    closer.add('sources', () => engine.close());
    const provisioning = await startProvisioning(deps, engine);
    const optional = await startOptionalServices(deps, engine, { ldapViewDelayMs: opts.ldapViewDelayMs });
    const admin = await startAdmin(deps, engine, provisioning, optional.ldap, { consoleClock: opts.consoleClock });
    const scheduler = new Scheduler(log, nodeCron);
    closer.add('scheduler', () => scheduler.stop());
    const activity = new ActivityStatus(notifier);
    // pushed sources (inbound SCIM) have nothing to poll
    const polled = config.sources.filter((s) => !engine.sources.get(s.name)?.connector.pushed);
    const jobs = polled.map((s) => ({ name: `source:${s.name}`, schedule: s.schedule, run: () => activity.syncing(s.name, () => runAndLog(engine, s.name, log)) }));
    health.markStarted();
    notifier.ready();
    for (const job of jobs) scheduler.add(job);
    if (opts.initialSync !== false) for (const job of jobs) void scheduler.tick(job);
    log.info({ sources: config.sources.map((s) => s.name), ldap: optional.ldapAddresses }, 'idsync started');
    const ldap = optional.ldap;
    const viewCaughtUp = async () => (ldap ? ldap.caughtUp(await store.latestChangeSeq()) : undefined);
    const close = async () => {
      notifier.stopping();
      return closer.close().finally(() => notifier.close());
    };
    return { loaded, store, redis, engine, log, close, reload: optional.reload, inbound: optional.inbound, ldapAddresses: optional.ldapAddresses, admin: admin ? { address: admin.address } : null, viewCaughtUp };
  } catch (err) {
    await closer.close();
    notifier.close();
    throw err;
  }
}

/** The sync service logs each run's outcome itself; only a run skipped for the lock is ours to log. */
async function runAndLog(engine: Engine, source: string, log: Logger): Promise<void> {
  const out = await engine.runSource(source);
  if (!out.ran) log.info({ source, reason: out.reason }, 'run skipped');
}
