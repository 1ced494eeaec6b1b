// One request with the retries every polled HTTP source needs: 429 and 503 wait as Retry-After
// says (a rate limit is obeyed, not counted as a failure, up to a bound), other 5xx, transport
// errors and garbled bodies back off; any other 4xx ends at once. What finally fails is a
// ReadFailure naming what could not be read and why, which a source turns into complete: false.
import { parseRetryAfter, sendHttp, type HttpRequest, type HttpResult } from './index';

export class ReadFailure extends Error {}

export interface RetryPolicy {
  /** attempts for 5xx / transport errors before giving up */
  attempts: number;
  sleep: (ms: number) => Promise<void>;
  /** epoch ms, for Retry-After given as an HTTP date */
  now: () => number;
  /** rate-limit waits obeyed per request before giving up (default 10) */
  maxRateLimitWaits?: number;
  /** where the vendor puts an error's reason when not in the body (BambooHR: a response header) */
  errorDetail?: (res: HttpResult) => string | null | undefined;
}

const backoff = (attempt: number) => 500 * 2 ** (attempt - 1);

/**
 * Sends `req` until it answers 2xx (or a status in `accept`). `what` names the thing read in the
 * failure message, e.g. 'report "Workers"'.
 */
export async function sendWithRetry(req: HttpRequest, what: string, policy: RetryPolicy, accept: number[] = []): Promise<HttpResult> {
  let last = '';
  let waits = 0;
  const maxWaits = policy.maxRateLimitWaits ?? 10;
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    let res: HttpResult;
    try {
      // parsed here, not by sendHttp: an error page in HTML must not hide the status and Retry-After
      res = withJson(await sendHttp({ ...req, parseJson: false }));
    } catch (err) {
      last = (err as Error).message;
      if (attempt < policy.attempts) await policy.sleep(backoff(attempt));
      continue;
    }
    const ok = (res.status >= 200 && res.status < 300) || accept.includes(res.status);
    if (ok && res.body !== MALFORMED) return res;
    if (ok) {
      // a body cut short or a proxy's HTML page with a 200: usually transient
      last = `answered ${res.status} with a body that is not JSON: ${snippet(res.text)}`;
      if (attempt < policy.attempts) await policy.sleep(backoff(attempt));
      continue;
    }
    last = `answered ${res.status}: ${policy.errorDetail?.(res) || detailOf(res)}`;
    const after = parseRetryAfter(res.headers.get('retry-after'), policy.now());
    if ((res.status === 429 || res.status === 503) && waits < maxWaits) {
      waits += 1;
      await policy.sleep(after ?? backoff(attempt));
      attempt -= 1;
      continue;
    }
    if (res.status < 500) break;
    if (attempt < policy.attempts) await policy.sleep(after ?? backoff(attempt));
  }
  throw new ReadFailure(`${req.peer}: ${what} could not be read (${last})`);
}

const MALFORMED = Symbol('malformed JSON');

function withJson(res: HttpResult): HttpResult {
  if (res.text.trim() === '') return { ...res, body: null };
  try {
    return { ...res, body: JSON.parse(res.text) };
  } catch {
    return { ...res, body: MALFORMED };
  }
}

const snippet = (text: string) => text.replace(/\s+/g, ' ').trim().slice(0, 160) || 'empty body';

function detailOf(res: HttpResult): string {
  const b = res.body === MALFORMED ? null : res.body;
  const message = b && typeof b === 'object' ? (b.error?.message ?? b.message ?? b.errorSummary ?? b.error) : undefined;
  const text = typeof message === 'string' ? message : res.text;
  return snippet(text);
}
