// What a hook kind sees of a request, and what it decides: answer at once (a verification
// handshake), or name the people to read again from the vendor and how to acknowledge.
import { createHash, timingSafeEqual } from 'node:crypto';
import { Rejection } from '../server';

export interface HookRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, unknown>;
  /** the raw body as received (signatures are over these bytes); empty when there was none */
  raw: Buffer;
}

export interface HookReply {
  status: number;
  type: string;
  body: string | Record<string, unknown>;
}

export type HookVerdict =
  | { kind: 'reply'; reply: HookReply }
  /** `claims`: seen-set ids to release when the re-read fails, so the vendor's retry is taken */
  | { kind: 'reread'; ids: string[]; ack: HookReply; claims: string[] };

export interface HookEndpoint {
  /** throws Rejection (4xx, one line) for anything unauthenticated, replayed or malformed */
  handle(req: HookRequest): HookVerdict;
}

/** at most this many people per delivery: Okta batches up to 50 events, BambooHR a few hundred */
export const MAX_IDS = 500;

export function header(req: HookRequest, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

export function parseJson(req: HookRequest): unknown {
  if (!req.raw.length) throw new Rejection(400, 'the request has no body', 'malformed_json');
  try {
    return JSON.parse(req.raw.toString('utf8'));
  } catch (err) {
    throw new Rejection(400, `the body is not JSON: ${(err as Error).message}`, 'malformed_json');
  }
}

/** Equal-length digests so the comparison takes the same time whatever the guess. */
export function sameSecret(got: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(got), digest(expected));
}

/** A zod-style issue list as one line: "data.events.0.uuid: expected string". */
export function shapeError(issues: { path: PropertyKey[]; message: string }[]): Rejection {
  const first = issues[0];
  const where = first.path.map(String).join('.') || 'body';
  return new Rejection(400, `malformed body at ${where}: ${first.message}`, 'malformed_body');
}

export function uniqueIds(ids: string[]): string[] {
  const out = [...new Set(ids)];
  if (out.length > MAX_IDS) throw new Rejection(400, `a delivery may name at most ${MAX_IDS} people; this one names ${out.length}`, 'too_many');
  return out;
}
