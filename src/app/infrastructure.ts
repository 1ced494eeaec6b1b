// The store and Redis as the configuration describes them; shared by the daemon and the CLI so
// both open them the same way.
import { resolve } from 'node:path';
import type { LoadedConfig } from '../config/loader';
import type { IdentityStore } from '../ports/identity-store';
import { openStore } from '../storage';
import { withAuditExport } from '../storage/audit-exporting-store';
import { openAuditSinks } from '../observability/audit-export';
import { AuditExporter } from '../observability/audit-exporter';
import { createLogger } from '../observability/logger';
import type { Logger } from '../ports/logger';
import { connectRedis, type RedisHandle } from '../redis/connection';

export interface AuditedStore {
  /** the store, decorated so committed audit records reach the configured sinks */
  store: IdentityStore;
  /** exports what was committed (bounded wait for a sink that is down), closes the sinks, then the store */
  close(): Promise<void>;
}

export async function openAuditedStore(
  { config, baseDir }: Pick<LoadedConfig, 'config' | 'baseDir'>,
  log: Logger = createLogger('warn', process.stderr),
): Promise<AuditedStore> {
  const raw = await openStore(config.store, { baseDir });
  let exporter: AuditExporter;
  try {
    exporter = new AuditExporter(raw, openAuditSinks(config.audit, baseDir, raw), {
      onError: (sink, err, retryInMs) => log.warn({ sink, err: err.message, retryInMs }, 'audit export failed; retrying'),
    });
  } catch (err) {
    await raw.close().catch((e: Error) => log.warn({ err: e.message }, 'closing the store failed'));
    throw err;
  }
  // a backlog left by a crash or an outage is exported at once, not at the next commit
  exporter.start();
  return {
    store: withAuditExport(raw, exporter),
    async close() {
      await exporter.close(5000).catch((e: Error) => log.warn({ err: e.message }, 'closing the audit export failed'));
      await raw.close().catch((e: Error) => log.warn({ err: e.message }, 'closing the store failed'));
    },
  };
}

export function connectConfiguredRedis({ config, baseDir }: Pick<LoadedConfig, 'config' | 'baseDir'>, log?: Logger): Promise<RedisHandle> {
  const { url, autoStart, dataDir } = config.redis;
  return connectRedis({ url, autoStart, dataDir: resolve(baseDir, dataDir), log });
}
