/** A job names the (target, identity) pair, never a diff: the worker reads the desired state. */
export interface ProvisionJob {
  target: string;
  identityId: string;
  /** 1 = highest (terminations and suspensions), larger numbers run later (BullMQ convention) */
  priority: number;
  correlationId: string;
  intentId: string;
}

export interface ChangeQueue {
  /** idempotent: job id is `${target}:${identityId}`, so a pending duplicate is not added twice */
  enqueue(job: ProvisionJob): Promise<void>;
  close(): Promise<void>;
}

export function jobIdOf(target: string, identityId: string): string {
  return `${target}:${identityId}`;
}

export interface RetryPolicy {
  attempts: number;
  backoffMs: number;
  maxBackoffMs: number;
}

/** Where a job attempt stands, as the queue counts it. */
export interface JobContext {
  /** attempts already made before this one */
  attemptsMade: number;
  maxAttempts: number;
  /** this attempt is the last one the queue will make */
  lastAttempt: boolean;
}

/** The per-target queues provisioning sends jobs through, with their depths for health and metrics. */
export interface ProvisioningQueue extends ChangeQueue {
  depth(target: string): Promise<Record<string, number>>;
}

export interface TargetWorkerOptions {
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

export interface TargetWorker {
  waitUntilReady(): Promise<unknown>;
  close(): Promise<void>;
}

/** Queues and workers from one backend (BullMQ over Redis in src/queue). */
export interface ProvisioningTransport<Q extends ProvisioningQueue = ProvisioningQueue> {
  openQueue(retries: (target: string) => RetryPolicy): Q;
  startWorker(options: TargetWorkerOptions): TargetWorker;
}
