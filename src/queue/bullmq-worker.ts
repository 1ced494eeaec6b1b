// One BullMQ Worker per target. It maps the domain's error classes onto BullMQ's retry machinery:
// a permanent error is not retried, a 429 pauses the whole target queue for its Retry-After.
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type Redis from 'ioredis';
import type { JobContext, ProvisionJob, RetryPolicy, TargetWorkerOptions } from '../ports/change-queue';
import type { Logger } from '../ports/logger';
import { PermanentTargetError, RetryableTargetError } from '../ports/target-connector';
import { queueNameOf } from './names';

export type { JobContext };

export interface BullWorkerOptions extends TargetWorkerOptions {
  connection: Redis;
  prefix: string;
  /** the worker's own errors (its Redis connection, a failed dead-letter write) go here, once each */
  log: Logger;
}

/** base * 2^(n-1), capped, with +-20% jitter so retries of many jobs do not arrive together. */
export function cappedBackoff(attemptsMade: number, retries: RetryPolicy): number {
  const raw = Math.min(retries.backoffMs * 2 ** Math.max(0, attemptsMade - 1), retries.maxBackoffMs);
  return Math.round(raw * (0.8 + Math.random() * 0.4));
}

export function startBullWorker(o: BullWorkerOptions): Worker {
  const worker: Worker = new Worker(
    queueNameOf(o.target),
    async (job: Job) => {
      const data = job.data as ProvisionJob;
      const maxAttempts = job.opts.attempts ?? 1;
      const ctx = { attemptsMade: job.attemptsMade, maxAttempts, lastAttempt: job.attemptsMade + 1 >= maxAttempts };
      try {
        await o.handle(data, ctx);
      } catch (err) {
        if (err instanceof RetryableTargetError && err.retryAfterMs !== undefined) {
          // Retry-After applies to the whole target: pause its queue, and do not count an attempt.
          await worker.rateLimit(err.retryAfterMs);
          throw Worker.RateLimitError();
        }
        if (err instanceof PermanentTargetError) throw new UnrecoverableError(err.message);
        throw err;
      }
    },
    {
      connection: o.connection,
      prefix: o.prefix,
      concurrency: o.concurrency,
      limiter: { max: o.rateLimit.max, duration: o.rateLimit.durationMs },
      settings: { backoffStrategy: (attemptsMade: number) => cappedBackoff(attemptsMade, o.retries) },
      lockDuration: o.lockDurationMs ?? 30000,
      stalledInterval: o.stalledIntervalMs ?? 30000,
      maxStalledCount: o.maxStalledCount ?? 1,
      removeOnComplete: { count: 0 },
    },
  );
  worker.on('failed', (job, err) => {
    if (!job || !o.onDeadLetter) return;
    const final = err instanceof UnrecoverableError || err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
    if (final) {
      const data = job.data as ProvisionJob;
      o.onDeadLetter(data, err).catch((e: Error) => o.log.error({ target: o.target, identityId: data.identityId, err: e.message }, 'recording a dead letter failed'));
    }
  });
  worker.on('completed', (job) => o.onCompleted?.(job.data as ProvisionJob));
  // an error event without a listener would crash the process; BullMQ reconnects by itself
  worker.on('error', (err) => o.log.warn({ target: o.target, err: err.message }, 'provisioning worker error'));
  return worker;
}
