import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTarget } from '../../src/connectors/targets';
import { PermanentTargetError, RetryableTargetError } from '../../src/ports/target-connector';
import { signWebhook, verifyWebhookSignature } from '../../src/connectors/targets/webhook/signature';
import { startWebhookReceiver, type WebhookReceiver } from '../fakes/webhook-receiver';
import { desiredFor } from '../conformance/target-connector';

describe('webhook target against a verifying receiver', () => {
  let rx: WebhookReceiver;
  let dir: string;
  beforeAll(async () => {
    rx = await startWebhookReceiver();
    dir = mkdtempSync(join(tmpdir(), 'idsync-hook-'));
  });
  afterAll(async () => {
    await rx.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const open = (extra: Record<string, unknown> = {}) => openTarget({ name: 'hook', kind: 'webhook', url: rx.url, secret: rx.secret, ...extra });

  it('signs timestamp + body; the receiver accepts it and gets the correlation id', async () => {
    const desired = desiredFor('wanda-1');
    desired.attributes.correlationId = 'corr-123';
    await open().create(desired);
    const last = rx.deliveries.at(-1)!;
    expect(last.event).toBe('upsert');
    expect(last.correlationId).toBe('corr-123');
    expect(last.account.attributes).not.toHaveProperty('correlationId');
    expect(rx.accounts.get(desired.identityId)?.userName).toBe('wanda-1');
  });

  it('a replayed request is refused by the receiver, and so is a tampered body', async () => {
    await open().create(desiredFor('xavier-1'));
    const captured = rx.raw.at(-1)!;
    const replay = await fetch(rx.url, { method: 'POST', headers: captured.headers, body: captured.body });
    expect(replay.status).toBe(401);
    expect(rx.rejected.at(-1)?.reason).toMatch(/replay/);
    const tampered = await fetch(rx.url, { method: 'POST', headers: captured.headers, body: captured.body.replace('xavier', 'mallory') });
    expect(tampered.status).toBe(401);
    expect(rx.rejected.at(-1)?.reason).toMatch(/signature/);
  });

  it('verification rejects an old timestamp even with a valid MAC', () => {
    const body = '{"a":1}';
    const old = Math.floor(Date.now() / 1000) - 3600;
    expect(verifyWebhookSignature({ secret: 's', rawBody: body, timestamp: String(old), signature: signWebhook('s', old, body) })).toMatch(/window/);
    const now = Math.floor(Date.now() / 1000);
    expect(verifyWebhookSignature({ secret: 's', rawBody: body, timestamp: String(now), signature: signWebhook('s', now, body) })).toBeNull();
  });

  it('maps 429 to retryable with Retry-After, 400 to permanent', async () => {
    const hook = open();
    rx.failNext(429, 7);
    const limited = await hook.create(desiredFor('yara-1')).catch((e) => e);
    expect(limited).toBeInstanceOf(RetryableTargetError);
    expect(limited.retryAfterMs).toBe(7000);
    rx.failNext(400);
    expect(await hook.create(desiredFor('yara-1')).catch((e) => e)).toBeInstanceOf(PermanentTargetError);
    rx.failNext(503);
    expect(await hook.disable({ externalId: 'x', userName: 'yara-1', active: true, attributes: {}, groups: [] }).catch((e) => e)).toBeInstanceOf(RetryableTargetError);
  });

  it('a wrong secret is refused by the receiver and reported as permanent (401)', async () => {
    const err = await open({ secret: 'not-the-right-secret-at-all' }).create(desiredFor('zed-1')).catch((e) => e);
    expect(err).toBeInstanceOf(PermanentTargetError);
    expect(err.status).toBe(401);
  });

  it('keeps its ledger across restarts when ledgerPath is set', async () => {
    const ledgerPath = join(dir, 'ledger.json');
    const first = open({ ledgerPath });
    const created = await first.create(desiredFor('uma-1'));
    const second = open({ ledgerPath });
    expect((await second.lookup('UMA-1', null))?.externalId).toBe(created.externalId);
  });
});

describe('webhook target: unchanged desired state', () => {
  it('does not deliver again when nothing differs from the last delivery', async () => {
    const rx = await startWebhookReceiver();
    try {
      const hook = openTarget({ name: 'hook', kind: 'webhook', url: rx.url, secret: rx.secret });
      const desired = desiredFor('vic-1');
      const created = await hook.create(desired);
      await hook.update(created, desired);
      expect(rx.deliveries).toHaveLength(1);
      await hook.update(created, { ...desired, attributes: { ...desired.attributes, title: 'Chief' } });
      expect(rx.deliveries).toHaveLength(2);
    } finally {
      await rx.close();
    }
  });
});
