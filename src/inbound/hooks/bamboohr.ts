// BambooHR webhooks: X-BambooHR-Signature is the hex HMAC-SHA256, by the webhook's private key, of
// the raw body followed by X-BambooHR-Timestamp (Unix seconds). A timestamp more than 5 minutes
// off is refused, and so is a signature seen before: within the window a signature names one
// delivery, outside it the timestamp check refuses the delivery anyway.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { Rejection } from '../server';
import type { SeenSet } from './seen';
import { REPLAY_WINDOW_MS } from './okta';
import { header, parseJson, shapeError, uniqueIds, type HookEndpoint } from './request';

const employeesBody = z.object({
  employees: z.array(z.object({ id: z.union([z.string().regex(/^\d+$/, 'must be an employee id (digits)'), z.number().int().nonnegative()]) }).loose()).min(1),
}).loose();

export function bamboohrHook(cfg: { privateKey: string }, seen: SeenSet, now: () => number): HookEndpoint {
  return {
    handle(req) {
      if (req.method !== 'POST') throw new Rejection(405, 'BambooHR webhooks are POSTed', 'method_not_allowed');
      const timestamp = header(req, 'x-bamboohr-timestamp');
      const signature = header(req, 'x-bamboohr-signature');
      if (!timestamp || !signature) throw new Rejection(401, 'unsigned: X-BambooHR-Timestamp and X-BambooHR-Signature are required', 'unsigned');
      if (!/^\d{1,12}$/.test(timestamp)) throw new Rejection(400, 'X-BambooHR-Timestamp must be Unix seconds', 'bad_timestamp');
      if (Math.abs(now() - Number(timestamp) * 1000) > REPLAY_WINDOW_MS) throw new Rejection(401, `X-BambooHR-Timestamp ${timestamp} is more than 5 minutes from now`, 'stale_timestamp');
      const expected = createHmac('sha256', cfg.privateKey).update(req.raw).update(timestamp).digest();
      const got = /^[0-9a-f]{64}$/i.test(signature) ? Buffer.from(signature, 'hex') : Buffer.alloc(0);
      if (got.length !== expected.length || !timingSafeEqual(got, expected)) throw new Rejection(401, 'bad signature: X-BambooHR-Signature is not the HMAC-SHA256 of the body and timestamp by this webhook\'s private key', 'bad_signature');
      const parsed = employeesBody.safeParse(parseJson(req));
      if (!parsed.success) throw shapeError(parsed.error.issues);
      const claim = `bamboohr:${signature.toLowerCase()}`;
      if (!seen.claim(claim)) throw new Rejection(409, 'this delivery (its signature) was received already', 'replayed');
      const ids = parsed.data.employees.map((e) => String(e.id));
      return { kind: 'reread', ids: uniqueIds(ids), claims: [claim], ack: { status: 200, type: 'application/json', body: {} } };
    },
  };
}
