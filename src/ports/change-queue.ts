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
