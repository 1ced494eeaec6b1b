// ChangeQueue over BullMQ: one queue per target, one job per (target, identity) pair at a time.
import { Queue, type Job } from 'bullmq';
import type Redis from 'ioredis';
import type { ProvisioningQueue, ProvisionJob, RetryPolicy } from '../ports/change-queue';
import { bullJobIdOf, queueNameOf } from './names';

export type { RetryPolicy };

export interface BullQueueOptions {
  connection: Redis;
  /** Redis key prefix: every key is `${prefix}:provision-<target>:...` */
  prefix: string;
  retries: (target: string) => RetryPolicy;
}

export type JobState = 'waiting' | 'active' | 'delayed' | 'prioritized' | 'failed' | 'completed' | 'unknown' | string;

export class BullChangeQueue implements ProvisioningQueue {
  private queues = new Map<string, Queue>();
  private closed = false;

  constructor(private opts: BullQueueOptions) {}

  queueFor(target: string): Queue {
    let q = this.queues.get(target);
    if (!q) {
      q = new Queue(queueNameOf(target), { connection: this.opts.connection, prefix: this.opts.prefix });
      this.queues.set(target, q);
    }
    return q;
  }

  /**
   * Idempotent by job id. A waiting job is reused (its priority raised if the new one is more urgent);
   * a failed job (dead letter) is replaced, since a new change deserves a new attempt.
   */
  async enqueue(job: ProvisionJob): Promise<void> {
    const q = this.queueFor(job.target);
    const id = bullJobIdOf(job.target, job.identityId);
    const existing = await q.getJob(id);
    if (existing) {
      const state = await existing.getState();
      if (state === 'failed' || state === 'completed') await existing.remove().catch(() => undefined);
      else return this.raisePriority(existing, state, job.priority);
    }
    const retry = this.opts.retries(job.target);
    await q.add('provision', job, {
      jobId: id,
      priority: job.priority,
      attempts: retry.attempts,
      backoff: { type: 'capped-exponential', delay: retry.backoffMs },
      removeOnComplete: true,
      removeOnFail: false,
    });
  }

  private async raisePriority(existing: Job, state: JobState, priority: number): Promise<void> {
    if ((state === 'waiting' || state === 'prioritized') && priority < (existing.opts.priority ?? Infinity)) {
      await existing.changePriority({ priority }).catch(() => undefined);
    }
  }

  async depth(target: string): Promise<Record<string, number>> {
    return this.queueFor(target).getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed');
  }

  async failed(target: string): Promise<Job[]> {
    return this.queueFor(target).getFailed(0, 999);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
  }
}
