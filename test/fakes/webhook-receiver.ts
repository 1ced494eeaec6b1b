// A local webhook receiver that does what a careful consumer should: verify the HMAC over
// timestamp + raw body, refuse stale timestamps and replayed delivery ids, apply upsert/disable/delete.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import {
  DELIVERY_HEADER,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  verifyWebhookSignature,
} from '../../src/connectors/targets/webhook/signature';
import type { WebhookPayload } from '../../src/connectors/targets/webhook/connector';

export interface ReceivedAccount {
  userName: string;
  active: boolean;
  attributes: Record<string, string | null>;
  groups: string[];
  correlationId: string | null;
}

export interface WebhookReceiver {
  url: string;
  secret: string;
  accounts: Map<string, ReceivedAccount>;
  /** every delivery that passed verification, in order */
  deliveries: WebhookPayload[];
  /** requests refused, with the reason */
  rejected: { reason: string }[];
  /** raw requests as received (to replay them in tests) */
  raw: { headers: Record<string, string>; body: string }[];
  failNext(status: number, retryAfterSeconds?: number): void;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startWebhookReceiver(secret = randomBytes(24).toString('hex')): Promise<WebhookReceiver> {
  const accounts = new Map<string, ReceivedAccount>();
  const deliveries: WebhookPayload[] = [];
  const rejected: { reason: string }[] = [];
  const raw: WebhookReceiver['raw'] = [];
  const seenDeliveries = new Set<string>();
  const failures: { status: number; retryAfter?: number }[] = [];

  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const header = (name: string) => (req.headers[name] as string | undefined) ?? undefined;
    raw.push({ headers: { [SIGNATURE_HEADER]: header(SIGNATURE_HEADER) ?? '', [TIMESTAMP_HEADER]: header(TIMESTAMP_HEADER) ?? '', [DELIVERY_HEADER]: header(DELIVERY_HEADER) ?? '' }, body });
    const failure = failures.shift();
    if (failure) {
      if (failure.retryAfter !== undefined) res.setHeader('retry-after', String(failure.retryAfter));
      res.writeHead(failure.status).end(`injected ${failure.status}`);
      return;
    }
    const reason = verifyWebhookSignature({ secret, rawBody: body, signature: header(SIGNATURE_HEADER), timestamp: header(TIMESTAMP_HEADER) });
    const delivery = header(DELIVERY_HEADER) ?? '';
    const refusal = reason ?? (seenDeliveries.has(delivery) ? 'delivery id already seen (replay)' : null);
    if (refusal) {
      rejected.push({ reason: refusal });
      res.writeHead(401).end(refusal);
      return;
    }
    seenDeliveries.add(delivery);
    const payload = JSON.parse(body) as WebhookPayload;
    deliveries.push(payload);
    const { identityId, userName, active, attributes, groups } = payload.account;
    if (payload.event === 'delete') accounts.delete(identityId);
    else if (payload.event === 'disable') {
      const a = accounts.get(identityId);
      if (a) a.active = false;
    } else accounts.set(identityId, { userName, active, attributes, groups, correlationId: payload.correlationId });
    res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hooks/idsync`,
    secret,
    accounts,
    deliveries,
    rejected,
    raw,
    failNext: (status, retryAfter) => failures.push({ status, retryAfter }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
