// Directory API reads: bearer token, nextPageToken paging, 429/503 retried after Retry-After,
// one fresh token after a 401. Every failure becomes a DirectoryReadError naming the call and the
// page, because an incomplete read must say exactly what is missing.
import { DEFAULT_RETRY_AFTER_MS, parseRetryAfter, trimSlash } from '../../http';
import { TokenError, transportReason, type ServiceAccountToken } from './token';
/** Longer waits than this are not worth holding a run for: the next scheduled run reads again. */
const MAX_RETRY_AFTER_MS = 120_000;

export class DirectoryReadError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = 'DirectoryReadError';
  }
}

export interface DirectoryClientSettings {
  apiUrl: string;
  timeoutMs: number;
  /** attempts after a 429/503/5xx or a transport error before the page is given up */
  retries: number;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

export interface Page<T> {
  items: T[];
  /** e.g. "users page 3", for messages */
  label: string;
}

export class DirectoryClient {
  private readonly base: string;
  /** requests sent, for logs and benchmarks */
  requests = 0;

  constructor(private readonly settings: DirectoryClientSettings, private readonly token: ServiceAccountToken) {
    this.base = trimSlash(settings.apiUrl);
  }

  /** Follows nextPageToken to the last page; `itemsKey` is where the page lists its items. */
  async *pages<T>(path: string, query: Record<string, string>, itemsKey: string, what: string): AsyncIterable<Page<T>> {
    let pageToken: string | undefined;
    for (let n = 1; ; n++) {
      const label = `${what} page ${n}`;
      const body = await this.get(path, pageToken ? { ...query, pageToken } : query, label);
      const items = body[itemsKey];
      if (items !== undefined && !Array.isArray(items)) throw new DirectoryReadError(`${label} (GET ${path}): "${itemsKey}" is not a list`);
      yield { items: (items ?? []) as T[], label };
      if (typeof body.nextPageToken !== 'string' || body.nextPageToken === '') return;
      pageToken = body.nextPageToken;
    }
  }

  /** One GET; null when the resource does not exist (404). */
  async getOne(path: string, query: Record<string, string>, label: string): Promise<any | null> {
    return this.get(path, query, label, true);
  }

  private async get(path: string, query: Record<string, string>, label: string, allowMissing = false): Promise<any> {
    const url = `${this.base}${path}?${new URLSearchParams(query).toString()}`;
    const call = `${label} (GET ${path})`;
    let refreshed = false;
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.attempt(url, call);
      if (outcome.kind === 'ok') return outcome.body;
      if (outcome.kind === 'missing' && allowMissing) return null;
      if (outcome.kind === 'unauthorized' && !refreshed) {
        refreshed = true; // an expired or revoked token: fetch a new one once
        this.token.invalidate();
        attempt--;
        continue;
      }
      if (outcome.kind !== 'retry' || attempt >= this.settings.retries) throw new DirectoryReadError(outcome.message, outcome.status);
      await this.settings.sleep(outcome.waitMs);
    }
  }

  private async attempt(url: string, call: string): Promise<Outcome> {
    let token: string;
    try {
      token = await this.token.get();
    } catch (err) {
      if (err instanceof TokenError) return { kind: 'fail', message: `${call}: ${err.message}`, status: err.status };
      throw err;
    }
    this.requests++;
    let res: Response;
    let text: string;
    try {
      res = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' }, signal: AbortSignal.timeout(this.settings.timeoutMs) });
      text = await res.text();
    } catch (err) {
      // a refused or cut connection is usually transient
      return { kind: 'retry', message: `${call} failed: ${transportReason(err, this.settings.timeoutMs)}`, waitMs: DEFAULT_RETRY_AFTER_MS };
    }
    if (res.status === 200) return parsePage(text, call);
    const message = `${call} answered ${res.status}: ${googleError(text)}`;
    if (res.status === 404) return { kind: 'missing', message, status: 404 };
    if (res.status === 401) return { kind: 'unauthorized', message, status: 401 };
    if (res.status === 429 || res.status >= 500) {
      const wait = parseRetryAfter(res.headers.get('retry-after'), this.settings.now()) ?? DEFAULT_RETRY_AFTER_MS;
      if (wait > MAX_RETRY_AFTER_MS) return { kind: 'fail', message: `${message} (Retry-After ${Math.round(wait / 1000)} s is longer than a run waits)`, status: res.status };
      return { kind: 'retry', message, waitMs: wait, status: res.status };
    }
    return { kind: 'fail', message, status: res.status };
  }
}

type Outcome =
  | { kind: 'ok'; body: any }
  | { kind: 'retry'; message: string; waitMs: number; status?: number }
  | { kind: 'missing' | 'unauthorized' | 'fail'; message: string; status?: number };

function parsePage(text: string, call: string): Outcome {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    // a cut or garbled page: nothing on it can be trusted, so the read is incomplete; the next run reads again
    return { kind: 'fail', message: `${call} answered 200 with a body that is not JSON (${(err as Error).message}): ${text.slice(0, 120)}` };
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { kind: 'fail', message: `${call} answered 200 with ${JSON.stringify(body)?.slice(0, 60)}, not a JSON object` };
  return { kind: 'ok', body };
}

/** Google's error body is {error: {code, message, errors: [{reason}]}}. */
function googleError(text: string): string {
  try {
    const e = JSON.parse(text)?.error;
    if (e?.message) return e.errors?.[0]?.reason ? `${e.message} (${e.errors[0].reason})` : String(e.message);
  } catch {
    // not JSON: quote the start of it
  }
  return text.slice(0, 200) || 'no detail';
}
