// Failed console sign-ins counted per client address and per person (keys of their own, apart from
// the LDAP lockout's): after `signInAttempts` failures, each within `signInWindowMinutes` of the
// previous, that address or person waits the window out. A counter that fails (Redis down) counts
// as "not throttled", so the password is still checked, and is logged.
import type { FailureCounter } from '../../ports/failure-counter';
import type { Logger } from '../../ports/logger';

export class SignInThrottle {
  constructor(
    private counter: FailureCounter,
    private attempts: number,
    private windowMinutes: number,
    private log: Logger,
  ) {}

  /** Attempts still being checked count as failures, so parallel guesses cannot all pass before the first failure is counted. */
  private inFlight = new Map<string, number>();

  async throttled(address: string, username: string): Promise<boolean> {
    const keys = [addressKey(address), personKey(username)];
    const counts = await Promise.all(keys.map((k) => this.read(k)));
    return keys.some((k, i) => counts[i]! + (this.inFlight.get(k) ?? 0) >= this.attempts);
  }

  /** Marks an attempt that passed `throttled` as in flight (call right after it, with no await between); returns its end. */
  begin(address: string, username: string): () => void {
    const keys = [addressKey(address), personKey(username)];
    for (const k of keys) this.inFlight.set(k, (this.inFlight.get(k) ?? 0) + 1);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      for (const k of keys) {
        const left = (this.inFlight.get(k) ?? 1) - 1;
        if (left > 0) this.inFlight.set(k, left);
        else this.inFlight.delete(k);
      }
    };
  }

  async failed(address: string, username: string): Promise<void> {
    const ttl = this.windowMinutes * 60_000;
    await Promise.all([this.guard(this.counter.increment(addressKey(address), ttl, 'sliding')), username ? this.guard(this.counter.increment(personKey(username), ttl, 'sliding')) : undefined]);
  }

  async succeeded(username: string): Promise<void> {
    await this.guard(this.counter.reset(personKey(username)));
  }

  get minutes(): number {
    return this.windowMinutes;
  }

  private async read(key: string): Promise<number> {
    return (await this.guard(this.counter.count(key))) ?? 0;
  }

  private async guard<T>(op: Promise<T>): Promise<T | undefined> {
    try {
      return await op;
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'console sign-in counter unavailable; checking the password without it');
      return undefined;
    }
  }
}

const addressKey = (address: string) => `console-sign-in:address:${address}`;
const personKey = (username: string) => `console-sign-in:person:${username.toLowerCase()}`;
