// A bearer token kept until shortly before it expires. Concurrent callers that find no usable token
// share one fetch, so a burst of parallel requests asks the token endpoint once; a failed fetch is
// not remembered, so the next caller asks again.
import type { Clock } from '../../ports/clock';

/** What a token endpoint gave: the token and how long it lives from the moment it was asked for. */
export interface FetchedToken {
  token: string;
  expiresInSeconds: number;
}

/** renew this long before expiry so a request never leaves with a token about to lapse */
export const EARLY_RENEWAL_MS = 60_000;

export class CachedToken {
  private current: { value: string; renewAt: number } | null = null;
  private pending: Promise<string> | null = null;

  constructor(
    private readonly fetchToken: () => Promise<FetchedToken>,
    private readonly clock: Clock,
    private readonly earlyRenewalMs = EARLY_RENEWAL_MS,
  ) {}

  get(): Promise<string> {
    const now = this.clock.now().getTime();
    if (this.current && now < this.current.renewAt) return Promise.resolve(this.current.value);
    this.pending ??= this.renew(now).finally(() => (this.pending = null));
    return this.pending;
  }

  /** The peer refused the token (revoked, clock skew): the next get() fetches a new one. */
  invalidate(): void {
    this.current = null;
  }

  private async renew(askedAt: number): Promise<string> {
    const { token, expiresInSeconds } = await this.fetchToken();
    if (typeof token !== 'string' || token === '' || !(expiresInSeconds > 0)) {
      throw new Error(`the token endpoint gave no usable token (expires_in ${String(expiresInSeconds)})`);
    }
    const lifetimeMs = expiresInSeconds * 1000;
    // a token shorter-lived than twice the margin is renewed at half its life, not on every call
    const margin = Math.min(this.earlyRenewalMs, lifetimeMs / 2);
    this.current = { value: token, renewAt: askedAt + lifetimeMs - margin };
    return token;
  }
}
