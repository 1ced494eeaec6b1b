// One BullMQ Worker per target. It maps the domain's error classes onto BullMQ's retry machinery:
// a permanent error is not retried, a 429 pauses the whole target queue for its Retry-After.
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type Redis from 'ioredis';
import type { ProvisionJob } from '../ports/change-queue';
import { PermanentTargetError, RetryableTargetError } from '../ports/target-connector';
import { queueNameOf } from './names';
import type { RetryPolicy } from './bullmq-queue';

export interface JobContext {
  /** attempts already made before this one */
  attemptsMade: number;
  maxAttempts: number;
  /** this attempt is the last one BullMQ will make */
  lastAttempt: boolean;
}

export interface BullWorkerOptions {
  connection: Redis;
  prefix: string;
  target: string;
  concurrency: number;
  rateLimit: { max: number; durationMs: number };
  retries: RetryPolicy;
  handle(job: ProvisionJob, ctx: JobContext): Promise<void>;
  /** after a job failed for good (permanent error or attempts exhausted) */
  onDeadLetter?(job: ProvisionJob, error: Error): Promise<void>;
  /** after a job completed and its id is free again */
  onCompleted?(job: ProvisionJob): void;
  /** how long a crashed worker's job stays locked before another worker takes it over */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  maxStalledCount?: number;
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
    if (final) o.onDeadLetter(job.data as ProvisionJob, err).catch(() => undefined);
  });
  worker.on('completed', (job) => o.onCompleted?.(job.data as ProvisionJob));
  // errors of the Redis connection are reported by the caller's logger, never thrown at the process
  worker.on('error', () => undefined);
  return worker;
}
