import type { SourceConnector } from '../../ports/source-connector';
import type { SourceConfig } from '../../config/sections/sources';
import type { Locks } from '../../ports/lock';

export interface SourceRunDeps<R> {
  locks: Locks;
  keyPrefix: string;
  run: (connector: SourceConnector, cfg: SourceConfig, opts: { dryRun: boolean }) => Promise<R>;
}

export type LockedRunResult<R> = { ran: true; report: R } | { ran: false; reason: string };

export function sourceLockKey(prefix: string, source: string): string {
  return `${prefix}:lock:source:${source}`;
}

/**
 * Runs one source under the cross-instance lock: at most one run per source at a time, whichever
 * instance's schedule fires first. A dry run takes no lock: it writes nothing.
 */
export async function runSourceLocked<R>(
  deps: SourceRunDeps<R>,
  connector: SourceConnector,
  cfg: SourceConfig,
  opts: { dryRun: boolean },
): Promise<LockedRunResult<R>> {
  if (opts.dryRun) return { ran: true, report: await deps.run(connector, cfg, opts) };
  const lock = await deps.locks.acquire(sourceLockKey(deps.keyPrefix, cfg.name));
  if (!lock) return { ran: false, reason: `source ${cfg.name} is already being synchronised by another run` };
  try {
    return { ran: true, report: await deps.run(connector, cfg, opts) };
  } finally {
    await lock.release();
  }
}
