import type { FailureCounter } from '../../ports/failure-counter';

export interface LockoutPolicy {
  maxFailures: number;
  lockMinutes: number;
  maxFailuresPerAddressPerMinute: number;
}

/**
 * What a failed bind counts against:
 * - `dn`: the account itself (people; PCI DSS 8.3.4 locks the user ID, whoever guesses).
 * - `dn-address`: the account as seen from one client address (service accounts without
 *   `allowFrom`), so a stranger's guesses lock out only the stranger, never the application.
 * - `none`: no account lock (service accounts with `allowFrom`: only listed networks may try, and
 *   the per-address throttle still slows each of them).
 */
export type LockScope = { kind: 'dn'; ndn: string } | { kind: 'dn-address'; ndn: string; address: string } | { kind: 'none' };

const ADDRESS_WINDOW_MS = 60_000;

function keyOf(scope: LockScope): string | null {
  if (scope.kind === 'dn') return `dn:${scope.ndn}`;
  if (scope.kind === 'dn-address') return `dn-address:${scope.address}|${scope.ndn}`;
  return null;
}

/**
 * Failed-bind bookkeeping on a FailureCounter: a scope is locked after `maxFailures` failures, each
 * within `lockMinutes` of the previous one, for `lockMinutes` after the last; a client address is
 * throttled after too many failures in a minute (password spraying across many DNs never locks
 * any single one). A counter that fails or hangs (Redis down) counts as "not locked": the password is still
 * checked at full argon2 cost, and `onError` reports it.
 */
export class LockoutTracker {
  constructor(
    private policy: LockoutPolicy,
    private counter: FailureCounter,
    private onError: (err: Error) => void = () => undefined,
    /** a counter that does not answer in time (the daemon's Redis client waits for a reconnect) counts as failed */
    private timeoutMs = 1000,
  ) {}

  async isLocked(scope: LockScope): Promise<boolean> {
    const key = keyOf(scope);
    return key !== null && (await this.read(key)) >= this.policy.maxFailures;
  }

  async isThrottled(address: string): Promise<boolean> {
    return (await this.read(`address:${address}`)) >= this.policy.maxFailuresPerAddressPerMinute;
  }

  async recordFailure(scope: LockScope, address: string): Promise<void> {
    const key = keyOf(scope);
    await Promise.all([
      this.guard(this.counter.increment(`address:${address}`, ADDRESS_WINDOW_MS, 'fixed')),
      key === null ? undefined : this.guard(this.counter.increment(key, this.policy.lockMinutes * 60_000, 'sliding')),
    ]);
  }

  async recordSuccess(scope: LockScope): Promise<void> {
    const key = keyOf(scope);
    if (key !== null) await this.guard(this.counter.reset(key));
  }

  private async read(key: string): Promise<number> {
    return (await this.guard(this.counter.count(key))) ?? 0;
  }

  private async guard<T>(op: Promise<T>): Promise<T | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`failure counter did not answer within ${this.timeoutMs} ms`)), this.timeoutMs);
      timer.unref();
    });
    try {
      return await Promise.race([op, timeout]);
    } catch (err) {
      this.onError(err as Error);
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }
}
