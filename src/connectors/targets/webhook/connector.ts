// Webhook target for systems with neither SCIM nor an API: each change is a signed JSON POST of
// the desired state (event upsert | disable | delete). See signature.ts for the signing scheme.
import { randomUUID } from 'node:crypto';
import type { ActualAccount, DesiredAccount, TargetConnector } from '../../../ports/target-connector';
import type { Clock } from '../../../ports/clock';
import { systemClock } from '../../../ports/clock';
import { errorFor, isOk, sendHttp } from '../../http';
import type { WebhookTargetConfig } from './config';
import { WebhookLedger } from './ledger';
import { DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, signWebhook } from './signature';

export type WebhookEvent = 'upsert' | 'disable' | 'delete';

/** The JSON body a receiver gets. */
export interface WebhookPayload {
  event: WebhookEvent;
  target: string;
  deliveryId: string;
  sentAt: string;
  correlationId: string | null;
  account: {
    identityId: string;
    externalId: string;
    userName: string;
    active: boolean;
    attributes: Record<string, string | null>;
    groups: string[];
  };
}

/** The engine may pass its correlation id as this desired attribute; it is not sent as an attribute. */
export const CORRELATION_ATTRIBUTE = 'correlationId';

export class WebhookTargetConnector implements TargetConnector {
  readonly kind = 'webhook';
  readonly name: string;
  private readonly ledger: WebhookLedger;

  constructor(private readonly cfg: WebhookTargetConfig, private readonly clock: Clock = systemClock) {
    this.name = cfg.name;
    this.ledger = new WebhookLedger(cfg.ledgerPath);
  }

  async lookup(userName: string, externalId: string | null): Promise<ActualAccount | null> {
    return (externalId ? this.ledger.get(externalId) : null) ?? this.ledger.findByUserName(userName);
  }

  async create(desired: DesiredAccount): Promise<ActualAccount> {
    return this.upsert(desired);
  }

  async update(_actual: ActualAccount, desired: DesiredAccount): Promise<ActualAccount> {
    return this.upsert(desired);
  }

  async disable(actual: ActualAccount): Promise<ActualAccount> {
    const disabled = { ...actual, active: false };
    await this.post('disable', disabled, identityOf(actual), null);
    this.ledger.put(disabled);
    return disabled;
  }

  async remove(actual: ActualAccount): Promise<void> {
    await this.post('delete', actual, identityOf(actual), null);
    this.ledger.delete(actual.externalId);
  }

  async *list(): AsyncIterable<ActualAccount> {
    yield* this.ledger.all();
  }

  private async upsert(desired: DesiredAccount): Promise<ActualAccount> {
    const { [CORRELATION_ATTRIBUTE]: correlation, ...attributes } = desired.attributes;
    const account: ActualAccount = {
      externalId: desired.identityId,
      userName: desired.userName,
      active: desired.active,
      attributes: { ...attributes, identityId: desired.identityId },
      groups: [...desired.groups],
    };
    // nothing differs from what the receiver was last sent: no delivery needed
    const last = this.ledger.get(account.externalId);
    if (last && JSON.stringify(last) === JSON.stringify(account)) return last;
    await this.post('upsert', account, desired.identityId, correlation ?? null);
    this.ledger.put(account);
    return account;
  }

  private async post(event: WebhookEvent, account: ActualAccount, identityId: string, correlationId: string | null): Promise<void> {
    const now = this.clock.now();
    const { identityId: _drop, ...attributes } = account.attributes;
    const payload: WebhookPayload = {
      event,
      target: this.name,
      deliveryId: randomUUID(),
      sentAt: now.toISOString(),
      correlationId,
      account: { identityId, externalId: account.externalId, userName: account.userName, active: account.active, attributes, groups: account.groups },
    };
    const body = JSON.stringify(payload);
    const timestamp = Math.floor(now.getTime() / 1000);
    const req = {
      method: 'POST',
      url: this.cfg.url,
      headers: {
        ...this.cfg.headers,
        'content-type': 'application/json',
        [SIGNATURE_HEADER]: signWebhook(this.cfg.secret!, timestamp, body),
        [TIMESTAMP_HEADER]: String(timestamp),
        [DELIVERY_HEADER]: payload.deliveryId,
      },
      body,
      timeoutMs: this.cfg.timeoutMs,
      peer: `webhook target "${this.name}"`,
      parseJson: false,
    };
    const res = await sendHttp(req);
    if (!isOk(res)) throw errorFor(req, res, res.text.slice(0, 200));
  }
}

/** The ledger keeps the identity id so disable/delete events can name the person. */
function identityOf(account: ActualAccount): string {
  return account.attributes.identityId ?? account.externalId;
}
