// Webhook signing. The signed material is `<timestamp>.<raw body>` (the Stripe/Slack scheme): the
// timestamp is inside the MAC, so a receiver that rejects old timestamps (and remembers delivery
// ids within that window) cannot be fed a captured request again.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-idsync-signature';
export const TIMESTAMP_HEADER = 'x-idsync-timestamp';
export const DELIVERY_HEADER = 'x-idsync-delivery';
/** how old a timestamp a receiver accepts by default */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** `sha256=<hex>` over `${timestamp}.${rawBody}` with HMAC-SHA256. */
export function signWebhook(secret: string, timestamp: number, rawBody: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
}

export interface VerifyInput {
  secret: string;
  rawBody: string;
  signature: string | undefined;
  timestamp: string | undefined;
  nowSeconds?: number;
  toleranceSeconds?: number;
}

/** For receivers (and our tests): null when valid, else why not. */
export function verifyWebhookSignature(input: VerifyInput): string | null {
  const ts = Number(input.timestamp);
  if (!input.timestamp || !Number.isInteger(ts)) return `missing or invalid ${TIMESTAMP_HEADER} header`;
  const now = input.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - ts) > (input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) return 'timestamp outside the accepted window (replay?)';
  if (!input.signature) return `missing ${SIGNATURE_HEADER} header`;
  const expected = Buffer.from(signWebhook(input.secret, ts, input.rawBody));
  const given = Buffer.from(input.signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'signature does not match';
  return null;
}
