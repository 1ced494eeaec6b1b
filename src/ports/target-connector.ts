import type { ActualAccount, DesiredAccount } from '../domain/accounts';

export type { ActualAccount, DesiredAccount };

/** Do not retry: the target rejected the request for a reason retrying cannot fix (4xx validation). */
export class PermanentTargetError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = 'PermanentTargetError';
  }
}

/** Retry later; `retryAfterMs` set when the target said when (429 Retry-After). */
export class RetryableTargetError extends Error {
  constructor(message: string, readonly retryAfterMs?: number, readonly status?: number) {
    super(message);
    this.name = 'RetryableTargetError';
  }
}

export interface TargetConnector {
  readonly name: string;
  readonly kind: string;
  /** find the account for this identity: by stored external id, else by userName (case-insensitive) */
  lookup(userName: string, externalId: string | null): Promise<ActualAccount | null>;
  create(desired: DesiredAccount): Promise<ActualAccount>;
  update(actual: ActualAccount, desired: DesiredAccount): Promise<ActualAccount>;
  disable(actual: ActualAccount): Promise<ActualAccount>;
  remove(actual: ActualAccount): Promise<void>;
  /** every account the target holds, for reconcile and orphan reports */
  list(): AsyncIterable<ActualAccount>;
  close?(): Promise<void>;
}
