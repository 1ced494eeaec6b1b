// The store and Redis as the configuration describes them; shared by the daemon and the CLI so
// both open them the same way.
import { resolve } from 'node:path';
import type { LoadedConfig } from '../config/loader';
import type { IdentityStore } from '../ports/identity-store';
import { openStore } from '../storage';
import { withAuditExport } from '../storage/audit-exporting-store';
import { WinstonAuditSink } from '../observability/audit-export';
import { connectRedis, type RedisHandle } from '../redis/connection';
import type { Logger } from '../ports/logger';

export interface AuditedStore {
  /** the store, decorated so committed audit records reach the configured sinks */
  store: IdentityStore;
  /** closes the store, then flushes the sinks */
  close(): Promise<void>;
}

export async function openAuditedStore({ config, baseDir }: Pick<LoadedConfig, 'config' | 'baseDir'>, log?: Logger): Promise<AuditedStore> {
  const sink = new WinstonAuditSink(config.audit.sinks, baseDir, (err) => log?.error({ component: 'audit-export', err: err.message }, 'audit sink failed'));
  let raw: IdentityStore;
  try {
    raw = await openStore(config.store, { baseDir });
  } catch (err) {
    await sink.close().catch((e: Error) => log?.warn({ err: e.message }, 'closing the audit sinks failed'));
    throw err;
  }
  return {
    store: withAuditExport(raw, sink),
    async close() {
      await raw.close().catch((e: Error) => log?.warn({ err: e.message }, 'closing the store failed'));
      await sink.close().catch((e: Error) => log?.warn({ err: e.message }, 'closing the audit sinks failed'));
    },
  };
}

export function connectConfiguredRedis({ config, baseDir }: Pick<LoadedConfig, 'config' | 'baseDir'>, log?: Logger): Promise<RedisHandle> {
  const { url, autoStart, dataDir } = config.redis;
  return connectRedis({ url, autoStart, dataDir: resolve(baseDir, dataDir), log });
}
