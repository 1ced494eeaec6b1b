// The store and Redis as the configuration describes them; shared by the daemon and the CLI so
// both open them the same way.
import { resolve } from 'node:path';
import type { LoadedConfig } from '../config/loader';
import type { IdentityStore } from '../ports/identity-store';
import { openStore } from '../storage';
import { withAuditExport } from '../storage/audit-exporting-store';
import { WinstonAuditSink } from '../observability/audit-export';
import { connectRedis, type RedisHandle } from '../redis/connection';

export interface AuditedStore {
  /** the store, decorated so committed audit records reach the configured sinks */
  store: IdentityStore;
  /** closes the store, then flushes the sinks */
  close(): Promise<void>;
}

export async function openAuditedStore({ config, baseDir }: Pick<LoadedConfig, 'config' | 'baseDir'>): Promise<AuditedStore> {
  const sink = new WinstonAuditSink(config.audit.sinks, baseDir);
  let raw: IdentityStore;
  try {
    raw = await openStore(config.store, { baseDir });
  } catch (err) {
    await sink.close().catch(() => undefined);
    throw err;
  }
  return {
    store: withAuditExport(raw, sink),
    async close() {
      await raw.close().catch(() => undefined);
      await sink.close().catch(() => undefined);
    },
  };
}

export function connectConfiguredRedis({ config, baseDir }: Pick<LoadedConfig, 'config' | 'baseDir'>): Promise<RedisHandle> {
  const { url, autoStart, dataDir } = config.redis;
  return connectRedis({ url, autoStart, dataDir: resolve(baseDir, dataDir) });
}
