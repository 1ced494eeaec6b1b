import { loadConfig, type LoadedConfig } from '../config/loader';
import type { IdentityStore } from '../ports/identity-store';
import { createLogger, type Logger } from '../observability/logger';
import { openAuditedStore } from '../app/infrastructure';
import { registerBuiltInValidators } from '../config/built-in-validators';

/** What most commands need: the validated configuration and an open store. */
export interface CliContext {
  loaded: LoadedConfig;
  store: IdentityStore;
  log: Logger;
  close(): Promise<void>;
}

export function loadCliConfig(file: string): LoadedConfig {
  registerBuiltInValidators();
  return loadConfig(file);
}

/** Operational logs of one-shot commands go to stderr so stdout stays parseable (--json). */
export async function openContext(file: string, level = 'error'): Promise<CliContext> {
  const loaded = loadCliConfig(file);
  const log = createLogger(process.env.IDSYNC_LOG_LEVEL ?? level, process.stderr);
  const { store, close } = await openAuditedStore(loaded);
  return { loaded, store, log, close };
}

export async function withContext<T>(file: string, fn: (ctx: CliContext) => Promise<T>): Promise<T> {
  const ctx = await openContext(file);
  try {
    return await fn(ctx);
  } finally {
    await ctx.close();
  }
}
