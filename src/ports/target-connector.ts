/**
 * The account a target should hold for one identity: computed by the engine, applied by a worker.
 * `attributes` use idsync's canonical names; each connector maps them to its own schema.
 */
export interface DesiredAccount {
  identityId: string;
  userName: string;
  active: boolean;
  attributes: Record<string, string | null>;
  /** group names (or roles, licences) inside the target */
  groups: string[];
}

/** The account as the target holds it now. */
export interface ActualAccount {
  externalId: string;
  userName: string;
  active: boolean;
  attributes: Record<string, string | null>;
  groups: string[];
}

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
