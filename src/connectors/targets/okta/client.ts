// Okta HTTP client: SSWS auth, Okta error bodies, and rate limits read from X-Rate-Limit-Reset
// (epoch seconds) since Okta's 429 says when the window resets rather than how long to wait.
import type { Clock } from '../../../ports/clock';
import { RetryableTargetError } from '../../../ports/target-connector';
import { DEFAULT_RETRY_AFTER_MS, errorFor, isOk, nextLink, sendHttp, throttleWaitMs, trimSlash, type HttpResult } from '../../http';

export class OktaClient {
  private readonly base: string;
  constructor(url: string, private readonly token: string, private readonly timeoutMs: number, private readonly peer: string, private readonly clock: Clock) {
    this.base = trimSlash(url);
  }

  /** `path` is relative to the org URL unless it is a full URL (a Link rel="next"). */
  async call(method: string, path: string, body?: unknown, accept: number[] = []): Promise<HttpResult> {
    const url = /^https?:\/\//.test(path) ? path : this.base + path;
    const req = { method, url, headers: { authorization: `SSWS ${this.token}` }, body, timeoutMs: this.timeoutMs, peer: this.peer };
    const res = await sendHttp(req);
    if (isOk(res) || accept.includes(res.status)) return res;
    const detail = oktaDetail(res);
    if (res.status === 429) {
      const wait = throttleWaitMs(res.headers, this.clock.now().getTime()) ?? DEFAULT_RETRY_AFTER_MS;
      throw new RetryableTargetError(`${this.peer}: ${method} ${new URL(url).pathname} rate-limited: ${detail}`, wait, 429);
    }
    throw errorFor(req, res, detail);
  }

  /** Follows Link rel="next" until there is none. */
  async *pages(path: string): AsyncIterable<any[]> {
    let next: string | null = path;
    while (next) {
      const res = await this.call('GET', next);
      yield Array.isArray(res.body) ? res.body : [];
      next = nextLink(res.headers.get('link'));
    }
  }
}

export { nextLink };

function oktaDetail(res: HttpResult): string {
  const b = res.body;
  if (b && typeof b === 'object' && b.errorCode) {
    const causes = (b.errorCauses ?? []).map((c: any) => c.errorSummary).filter(Boolean);
    return `${b.errorCode}: ${b.errorSummary}${causes.length ? ` (${causes.join('; ')})` : ''}`;
  }
  return res.text.slice(0, 200);
}
