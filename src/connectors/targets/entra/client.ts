// Graph HTTP client: bearer token from the cache, one retry with a fresh token after a 401, and
// Graph error bodies ({error:{code,message}}) in the messages.
import { errorFor, isOk, sendHttp, trimSlash, type HttpResult } from '../../http';
import type { CachedToken } from '../../http/cached-token';

export class GraphClient {
  private readonly base: string;
  constructor(private readonly graphUrl: string, private readonly token: CachedToken, private readonly timeoutMs: number, private readonly peer: string) {
    this.base = trimSlash(graphUrl);
  }

  /** `path` is relative to /v1.0 unless it is a full URL (an @odata.nextLink). */
  async call(method: string, path: string, body?: unknown, accept: number[] = []): Promise<HttpResult> {
    for (let attempt = 0; ; attempt++) {
      const url = /^https?:\/\//.test(path) ? path : `${this.base}/v1.0${path}`;
      const req = { method, url, headers: { authorization: `Bearer ${await this.token.get()}` }, body, timeoutMs: this.timeoutMs, peer: this.peer };
      const res = await sendHttp(req);
      if (res.status === 401 && attempt === 0) {
        this.token.invalidate(); // expired or revoked token: fetch a new one once
        continue;
      }
      if (isOk(res) || accept.includes(res.status)) return res;
      const e = res.body?.error;
      throw errorFor(req, res, e ? `${e.code}: ${e.message}` : res.text.slice(0, 200));
    }
  }

  /** Follows @odata.nextLink until the last page. */
  async *pages(path: string): AsyncIterable<any[]> {
    let next: string | undefined = path;
    while (next) {
      const res = await this.call('GET', next);
      yield res.body?.value ?? [];
      next = res.body?.['@odata.nextLink'];
    }
  }
}
