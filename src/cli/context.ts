import { loadConfig, type LoadedConfig } from '../config/loader';
import type { IdentityStore } from '../ports/identity-store';
import { createLogger } from '../observability/logger';
import type { Logger } from '../ports/logger';
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

/**
 * One-shot commands answer in sentences (stdout) and one failure sentence (stderr), so their
 * operational log is off unless IDSYNC_LOG_LEVEL asks for it; it then goes to stderr, keeping
 * stdout parseable (--json).
 */
export async function openContext(file: string, level = 'silent'): Promise<CliContext> {
  const loaded = loadCliConfig(file);
  const log = createLogger(process.env.IDSYNC_LOG_LEVEL ?? level, process.stderr);
  const { store, close } = await openAuditedStore(loaded, log);
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
