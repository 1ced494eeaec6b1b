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
      res = await sendHttp(req);
    } catch (err) {
      last = (err as Error).message;
      if (attempt < policy.attempts) await policy.sleep(backoff(attempt));
      continue;
    }
    if ((res.status >= 200 && res.status < 300) || accept.includes(res.status)) return res;
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

function detailOf(res: HttpResult): string {
  const b = res.body;
  const message = b && typeof b === 'object' ? (b.error?.message ?? b.message ?? b.errorSummary ?? b.error) : undefined;
  const text = typeof message === 'string' ? message : res.text;
  return text.replace(/\s+/g, ' ').trim().slice(0, 160) || 'no detail';
}
