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

/** Why a request got no answer, in words: a timeout, or the socket error's code. */
export function transportReason(err: unknown, timeoutMs: number): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  return e.cause?.code ?? e.cause?.message ?? e.message;
}

/** The request got no whole answer (refused, timed out, cut mid-body). */
export class TransportError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'TransportError';
  }
}

export interface RawAnswer {
  status: number;
  headers: Headers;
  text: string;
}

/** Sends one request and reads the whole body; throws only TransportError. */
export async function fetchText(req: HttpRequest): Promise<RawAnswer> {
  const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
  let body: string | undefined;
  if (req.body !== undefined) {
    body = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
    headers['content-type'] ??= 'application/json';
  }
  try {
    const res = await fetch(req.url, { method: req.method, headers, body, signal: AbortSignal.timeout(req.timeoutMs) });
    return { status: res.status, headers: res.headers, text: await res.text() };
  } catch (err) {
    throw new TransportError(transportReason(err, req.timeoutMs));
  }
}

/** JSON.parse that says why it failed instead of throwing: `{ value }` or `{ error }`. */
export function parseJsonBody(text: string): { value: any } | { error: string } {
  if (text.trim() === '') return { value: null };
  try {
    return { value: JSON.parse(text) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/** Sends one request; never throws anything but PermanentTargetError or RetryableTargetError. */
export async function sendHttp(req: HttpRequest): Promise<HttpResult> {
  let answer: RawAnswer;
  try {
    answer = await fetchText(req);
  } catch (err) {
    throw new RetryableTargetError(`${describe(req)} failed: ${(err as TransportError).reason}`);
  }
  const { status, headers, text } = answer;
  if (req.parseJson === false) return { status, headers, body: null, text };
  const parsed = parseJsonBody(text);
  if ('error' in parsed) {
    // A garbled body (proxy error page, cut connection) is usually transient: retry, with a clear message.
    throw new RetryableTargetError(`${describe(req)} answered ${status} with malformed JSON (${parsed.error}): ${text.slice(0, 120)}`, undefined, status);
  }
  return { status, headers, body: parsed.value, text };
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

/** RFC 7617 Basic credentials as an Authorization header value. */
export function basicAuthorization(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
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

/**
 * How long a throttled (429) answer says to wait: Okta's X-Rate-Limit-Reset (when the window
 * reopens) first, since Okta's Retry-After is absent; else Retry-After; else undefined.
 */
export function throttleWaitMs(headers: Headers, nowMs: number): number | undefined {
  return untilRateLimitReset(headers, nowMs) ?? parseRetryAfter(headers.get('retry-after'), nowMs);
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
