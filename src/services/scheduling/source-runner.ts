import type { SourceConnector } from '../../ports/source-connector';
import type { SourceConfig } from '../../config/sections/sources';
import { describeHolder, type HeldLock, type Locks } from '../../ports/lock';

/** Called right before every store commit of a locked run; throws when the run lost its lock. */
export type CommitGuard = () => Promise<void>;

export interface SourceRunDeps<R> {
  locks: Locks;
  keyPrefix: string;
  run: (connector: SourceConnector, cfg: SourceConfig, opts: { dryRun: boolean; beforeCommit?: CommitGuard }) => Promise<R>;
  lockTtlMs?: number;
  /** told when a dead holder's lock was taken over, naming it */
  onTakeover?: (message: string) => void;
}

export type LockedRunResult<R> = { ran: true; report: R } | { ran: false; reason: string };

/** A run's lock expired or was taken over while it ran: it must not commit anything more. */
export class LockLostError extends Error {
  constructor(source: string, fence: number) {
    super(`source ${source}: this run (fence ${fence}) lost its lock to another run and committed nothing more`);
    this.name = 'LockLostError';
  }
}

export function sourceLockKey(prefix: string, source: string): string {
  return `${prefix}:lock:source:${source}`;
}

/**
 * The fencing check: asks Redis, right before a commit, whether this run's token still holds the
 * lock with a quarter of its TTL left. Renewal keeps a healthy holder above two thirds, so a lock
 * about to expire (renewals failing) is treated as lost rather than raced against the expiry.
 */
export function fencedCommitGuard(lock: HeldLock, source: string): CommitGuard {
  return async () => {
    if ((await lock.remainingMs()) < lock.ttlMs / 4) throw new LockLostError(source, lock.holder.fence);
  };
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
  const attempt = await deps.locks.tryAcquire(sourceLockKey(deps.keyPrefix, cfg.name), deps.lockTtlMs);
  if (!attempt.lock) return { ran: false, reason: `source ${cfg.name} is already being synchronised by another run: ${describeHolder(attempt.holder)}` };
  const lock = attempt.lock;
  if (attempt.tookOverFrom) {
    deps.onTakeover?.(`source ${cfg.name}: took over the lock of a run that is gone, ${describeHolder(attempt.tookOverFrom)}`);
  }
  try {
    return { ran: true, report: await deps.run(connector, cfg, { ...opts, beforeCommit: fencedCommitGuard(lock, cfg.name) }) };
  } finally {
    await lock.release();
  }
}
