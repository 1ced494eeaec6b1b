// Provisioning's queues and workers over BullMQ on the configured Redis.
import type Redis from 'ioredis';
import type { ProvisioningTransport } from '../ports/change-queue';
import type { Logger } from '../ports/logger';
import { BullChangeQueue } from './bullmq-queue';
import { startBullWorker } from './bullmq-worker';

/** `redis` needs maxRetriesPerRequest: null (BullMQ's blocking commands). */
export function bullTransport(redis: Redis, prefix: string, log: Logger): ProvisioningTransport<BullChangeQueue> {
  return {
    openQueue: (retries) => new BullChangeQueue({ connection: redis, prefix, retries }),
    startWorker: (options) => startBullWorker({ ...options, connection: redis, prefix, log }),
  };
}
