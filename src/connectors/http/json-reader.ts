// The one way sources read JSON over HTTP (GET pages, or a POST with a body such as BambooHR's custom
// report): the authorization renewed once after a 401, 429 (and, for peers that throttle with it,
// 503 with Retry-After) waited out as the peer says (Okta's X-Rate-Limit-Reset, else Retry-After),
// 5xx, cut and garbled answers tried again with backoff, any other 4xx final, and every failure a
// ReadError naming the page it hit, because an incomplete read must say exactly what is missing.
import type { Clock } from '../../ports/clock';
import { DEFAULT_RETRY_AFTER_MS, fetchText, parseJsonBody, parseRetryAfter, throttleWaitMs, TransportError, type RawAnswer } from './index';

/** One page could not be read: the read it belongs to is incomplete. */
export class ReadError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = 'ReadError';
  }
}

export interface JsonReaderSettings {
  timeoutMs: number;
  /** tries after a 5xx, a cut or a garbled answer before the page is given up */
  retries: number;
  sleep(ms: number): Promise<void>;
  /** epoch ms, for X-Rate-Limit-Reset and HTTP-date Retry-After */
  now(): number;
  /** the Authorization header; a throw (token endpoint refused) fails the page with its message */
  authorization(): Promise<string> | string;
  /** called once after a 401 before one more try (a cached token to renew); absent: a 401 is final */
  renewAuthorization?(): void;
  /** the vendor's error in words, from its body or a header (default: the start of the body) */
  errorDetail?(body: any, text: string, headers: Headers): string | null | undefined;
  /** an answer that means something other than a failed page (Graph's expired delta token) */
  special?(status: number, body: any, label: string): Error | undefined;
  /** a wait longer than this fails the page: the next scheduled run reads again (default 120 s) */
  maxWaitMs?: number;
  /** 429s obeyed per page before it is given up (default 8); they do not use up `retries` */
  maxThrottleWaits?: number;
  /** a 503 with Retry-After is throttling, waited out like a 429 (BambooHR and Workday throttle so) */
  throttlesWith503?: boolean;
}

export interface JsonRequest {
  method: 'GET' | 'POST';
  url: string;
  /** sent as JSON */
  body?: unknown;
}

/** How a source's reader is paced: its timeout and tries, and the clock and sleep a test may inject. */
export function readerPace(o: { timeoutMs: number; retries: number; clock: Clock; sleep?: (ms: number) => Promise<void> }): Pick<JsonReaderSettings, 'timeoutMs' | 'retries' | 'sleep' | 'now'> {
  return { timeoutMs: o.timeoutMs, retries: o.retries, sleep: o.sleep ?? realSleep, now: () => o.clock.now().getTime() };
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface JsonPage {
  status: number;
  headers: Headers;
  /** a JSON object or list for a 2xx; for an allowed non-2xx status, whatever JSON came (or null) */
  body: any;
}

type Step =
  | { kind: 'done'; page: JsonPage }
  | { kind: 'renew' | 'fail'; message: string; status?: number }
  | { kind: 'throttled' | 'retry'; message: string; status?: number; waitMs?: number };

const MAX_BACKOFF_MS = 10_000;

export class JsonReader {
  /** requests sent, for logs and benchmarks */
  requests = 0;

  constructor(private readonly s: JsonReaderSettings) {}

  /** GET `url`; `label` names the page in errors ("users page 3"); `allow` lists non-2xx statuses to return. */
  get(url: string, label: string, allow: number[] = []): Promise<JsonPage> {
    return this.send({ method: 'GET', url }, label, allow);
  }

  /** POST `body` as JSON to `url`, for reads that are asked for with a body (a report's fields and filters). */
  post(url: string, body: unknown, label: string, allow: number[] = []): Promise<JsonPage> {
    return this.send({ method: 'POST', url, body }, label, allow);
  }

  private async send(req: JsonRequest, label: string, allow: number[]): Promise<JsonPage> {
    const call = `${label} (${req.method} ${new URL(req.url).pathname})`;
    let renewed = false;
    let throttled = 0;
    let failures = 0;
    for (;;) {
      const step = await this.attempt(req, call, label, allow);
      if (step.kind === 'done') return step.page;
      if (step.kind === 'renew' && !renewed && this.s.renewAuthorization) {
        renewed = true;
        this.s.renewAuthorization();
        continue;
      }
      const again = (step.kind === 'throttled' && throttled++ < (this.s.maxThrottleWaits ?? 8)) || (step.kind === 'retry' && failures++ < this.s.retries);
      if (!again) throw new ReadError(step.message, step.status);
      const waitMs = step.kind === 'throttled' ? step.waitMs ?? DEFAULT_RETRY_AFTER_MS : step.waitMs ?? backoffMs(failures);
      const maxWaitMs = this.s.maxWaitMs ?? 120_000;
      if (waitMs > maxWaitMs) throw new ReadError(`${step.message} (told to wait ${Math.round(waitMs / 1000)} s, longer than a run waits)`, step.status);
      await this.s.sleep(waitMs);
    }
  }

  private async attempt(req: JsonRequest, call: string, label: string, allow: number[]): Promise<Step> {
    let authorization: string;
    try {
      authorization = await this.s.authorization();
    } catch (err) {
      return { kind: 'fail', message: `${call}: ${(err as Error).message}` };
    }
    this.requests += 1;
    let answer: RawAnswer;
    try {
      answer = await fetchText({ ...req, headers: { authorization }, timeoutMs: this.s.timeoutMs, peer: label });
    } catch (err) {
      if (!(err instanceof TransportError)) throw err;
      return { kind: 'retry', message: `${call} failed: the answer was cut or never came (${err.reason})` };
    }
    return this.classify(answer, call, label, allow);
  }

  private classify({ status, headers, text }: RawAnswer, call: string, label: string, allow: number[]): Step {
    const parsed = parseJsonBody(text);
    const body = 'value' in parsed ? parsed.value : null;
    if (status >= 200 && status < 300) {
      // a cut or garbled page: nothing on it can be trusted; it is asked for again
      if ('error' in parsed) return { kind: 'retry', message: `${call} answered ${status} with a body that is not JSON: ${text.slice(0, 120)} (${parsed.error})`, status };
      if (body === null || typeof body !== 'object') return { kind: 'retry', message: `${call} answered ${status} without a JSON object or list: ${text.slice(0, 120) || 'empty body'}`, status };
      return { kind: 'done', page: { status, headers, body } };
    }
    if (allow.includes(status)) return { kind: 'done', page: { status, headers, body } };
    const special = this.s.special?.(status, body, label);
    if (special) throw special;
    const message = `${call} answered ${status}: ${this.s.errorDetail?.(body, text, headers) || text.slice(0, 200) || 'no detail'}`;
    if (status === 401) return { kind: 'renew', message, status };
    if (status === 429 || (status === 503 && this.s.throttlesWith503 && headers.has('retry-after'))) return { kind: 'throttled', message, status, waitMs: throttleWaitMs(headers, this.s.now()) };
    if (status >= 500 || status === 408) return { kind: 'retry', message, status, waitMs: parseRetryAfter(headers.get('retry-after'), this.s.now()) };
    return { kind: 'fail', message, status };
  }
}

/** The start of a JSON answer, to quote in a message about its shape. */
export function quoteJson(body: unknown): string {
  return JSON.stringify(body).slice(0, 120);
}

function backoffMs(failures: number): number {
  return Math.min(MAX_BACKOFF_MS, 500 * 2 ** (failures - 1));
}
