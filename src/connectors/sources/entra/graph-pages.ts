// Reads Graph delta pages: bearer token (renewed once after a 401), 429 honoured with Retry-After,
// 5xx and cut answers tried again a few times, and every failure named by the page it hit.
import { GraphToken, GraphTokenError } from './token';

/** The delta token is no longer known to Graph: the caller must start a full round again. */
export class DeltaExpiredError extends Error {}

/** One page could not be read; the read is incomplete. */
export class PageError extends Error {}

const EXPIRED_CODES = new Set(['syncStateNotFound', 'resyncRequired', 'syncStateInvalid']);
const MAX_THROTTLE_WAITS = 8;
const MAX_RETRY_AFTER_MS = 120_000;

export interface PageReaderOptions {
  token: GraphToken;
  timeoutMs: number;
  retries: number;
  sleep: (ms: number) => Promise<void>;
}

export class GraphPages {
  /** requests sent, for logs and benchmarks */
  requests = 0;
  constructor(private readonly opts: PageReaderOptions) {}

  /** GET one URL and return its JSON body; `label` names the page in errors ("users page 3"). */
  async get(url: string, label: string, allow404 = false): Promise<any> {
    let refreshed = false;
    let throttled = 0;
    let failures = 0;
    for (;;) {
      const outcome = await this.attempt(url);
      if (outcome.kind === 'ok') return outcome.body;
      if (outcome.kind === 'status') {
        const { status, body, headers } = outcome;
        const code = body?.error?.code;
        if (status === 404 && allow404) return null;
        if (status === 410 || EXPIRED_CODES.has(code)) throw new DeltaExpiredError(`${label}: the delta token has expired (${status} ${code ?? ''})`.trim());
        if (status === 401 && !refreshed) {
          refreshed = true;
          this.opts.token.invalidate();
          continue;
        }
        if (status === 429 && throttled++ < MAX_THROTTLE_WAITS) {
          await this.opts.sleep(retryAfterMs(headers.get('retry-after')));
          continue;
        }
        if (status >= 500 && failures++ < this.opts.retries) {
          await this.opts.sleep(backoffMs(failures, headers.get('retry-after')));
          continue;
        }
        throw new PageError(`${label} (GET ${pathOf(url)}) answered ${status}: ${body?.error ? `${code}: ${body.error.message}` : outcome.text.slice(0, 120)}`);
      }
      if (failures++ < this.opts.retries) {
        await this.opts.sleep(backoffMs(failures, null));
        continue;
      }
      throw new PageError(`${label} (GET ${pathOf(url)}): ${outcome.reason}`);
    }
  }

  private async attempt(url: string): Promise<{ kind: 'ok'; body: any } | { kind: 'status'; status: number; body: any; text: string; headers: Headers } | { kind: 'broken'; reason: string }> {
    let token: string;
    try {
      token = await this.opts.token.get();
    } catch (err) {
      if (err instanceof GraphTokenError) throw new PageError(err.message);
      throw err;
    }
    this.requests += 1;
    let res: Response;
    let text: string;
    try {
      res = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' }, signal: AbortSignal.timeout(this.opts.timeoutMs) });
      text = await res.text();
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      const why = e.name === 'TimeoutError' ? `no answer within ${this.opts.timeoutMs} ms` : e.cause?.code ?? e.cause?.message ?? e.message;
      return { kind: 'broken', reason: `the answer was cut or never came (${why})` };
    }
    let body: any = null;
    try {
      body = text.trim() === '' ? null : JSON.parse(text);
    } catch (err) {
      if (res.ok) return { kind: 'broken', reason: `answered ${res.status} with a body that is not JSON (${(err as Error).message}): ${text.slice(0, 80)}` };
    }
    if (res.ok && (body === null || typeof body !== 'object')) return { kind: 'broken', reason: `answered ${res.status} without a JSON object` };
    return res.ok ? { kind: 'ok', body } : { kind: 'status', status: res.status, body, text, headers: res.headers };
  }
}

function retryAfterMs(value: string | null): number {
  if (!value) return 1000;
  const seconds = Number(value.trim());
  if (Number.isFinite(seconds)) return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, seconds * 1000));
  const at = Date.parse(value);
  return Number.isNaN(at) ? 1000 : Math.min(MAX_RETRY_AFTER_MS, Math.max(0, at - Date.now()));
}

function backoffMs(failures: number, retryAfter: string | null): number {
  return retryAfter ? retryAfterMs(retryAfter) : Math.min(10_000, 250 * 2 ** (failures - 1));
}

function pathOf(url: string): string {
  const u = new URL(url);
  return u.pathname + (u.search.length > 60 ? `${u.search.slice(0, 60)}...` : u.search);
}
