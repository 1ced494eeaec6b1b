// Shared HTTP plumbing for HTTP targets and sources (SCIM, Graph, Okta, webhook): one place that
// turns transport failures and status codes into the two error classes callers understand.
import { PermanentTargetError, RetryableTargetError } from '../../ports/target-connector';

export interface HttpResult {
  status: number;
  headers: Headers;
  /** parsed JSON body, or null when the body was empty */
  body: any;
  text: string;
}

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  /** serialised as JSON unless already a string */
  body?: unknown;
  timeoutMs: number;
  /** what to call the peer in error messages, e.g. 'SCIM target "app"' */
  peer: string;
  /** false for peers whose answer body does not matter (webhooks may answer "OK") */
  parseJson?: boolean;
}

/** Used when a 429/503 says nothing about when to come back. */
export const DEFAULT_RETRY_AFTER_MS = 1000;

/** Retry-After is either delta-seconds or an HTTP date (RFC 9110 10.2.3). */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value.trim());
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function describe(req: HttpRequest): string {
  const path = new URL(req.url).pathname;
  return `${req.peer}: ${req.method} ${path}`;
}

/** Sends one request; never throws anything but PermanentTargetError or RetryableTargetError. */
export async function sendHttp(req: HttpRequest): Promise<HttpResult> {
  const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
  let body: string | undefined;
  if (req.body !== undefined) {
    body = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
    headers['content-type'] ??= 'application/json';
  }
  let res: Response;
  let text: string;
  try {
    res = await fetch(req.url, { method: req.method, headers, body, signal: AbortSignal.timeout(req.timeoutMs) });
    text = await res.text();
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const why = e.name === 'TimeoutError' ? `no answer within ${req.timeoutMs} ms` : e.cause?.code ?? e.cause?.message ?? e.message;
    throw new RetryableTargetError(`${describe(req)} failed: ${why}`);
  }
  let parsed: any = null;
  if (text.trim() !== '' && req.parseJson !== false) {
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      // A garbled body (proxy error page, cut connection) is usually transient: retry, with a clear message.
      throw new RetryableTargetError(
        `${describe(req)} answered ${res.status} with malformed JSON (${(err as Error).message}): ${text.slice(0, 120)}`,
        undefined,
        res.status,
      );
    }
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

/**
 * Maps a non-2xx answer to the engine's error classes: 408, 429 and 5xx are retried (honouring
 * Retry-After), every other 4xx is permanent because sending the same request again cannot fix it.
 */
export function errorFor(req: HttpRequest, res: HttpResult, detail: string): Error {
  const message = `${describe(req)} answered ${res.status}: ${detail || 'no detail'}`;
  if (res.status === 429 || res.status === 408 || res.status >= 500) {
    const after = parseRetryAfter(res.headers.get('retry-after'));
    return new RetryableTargetError(message, after ?? (res.status === 429 ? DEFAULT_RETRY_AFTER_MS : undefined), res.status);
  }
  return new PermanentTargetError(message, res.status);
}

export function isOk(res: HttpResult): boolean {
  return res.status >= 200 && res.status < 300;
}

export function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** Okta's X-Rate-Limit-Reset: the epoch second at which the window reopens, as ms from `nowMs`. */
export function untilRateLimitReset(headers: Headers, nowMs: number): number | undefined {
  const reset = Number(headers.get('x-rate-limit-reset'));
  if (!Number.isFinite(reset) || reset <= 0) return undefined;
  return Math.max(0, reset * 1000 - nowMs);
}

/** `<url>; rel="next"` out of an RFC 8288 Link header. */
export function nextLink(header: string | null): string | null {
  if (!header) return null;
  for (const part of header.split(/,(?=\s*<)/)) {
    const m = /<([^>]+)>\s*;(.*)/.exec(part.trim());
    if (m && /rel="?next"?/.test(m[2])) return m[1];
  }
  return null;
}
