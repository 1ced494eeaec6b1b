// The Graph subscription an entra source with a hook keeps: created through the fake's validation
// handshake against the real /hooks listener, renewed by PATCH once less than three days are left,
// created again when Graph no longer knows it, and taken over (not doubled) by a later start.
import { randomUUID } from 'node:crypto';
import { ManualClock } from '../../src/ports/clock';
import { silentLogger } from '../../src/ports/logger';
import { entraSourceSchema } from '../../src/connectors/sources/entra/config';
import { graphSubscriptionApi } from '../../src/connectors/sources/entra/subscriptions';
import { startInboundServer, type InboundServer } from '../../src/inbound/server';
import { hookRoutes } from '../../src/inbound/hooks/routes';
import { graphHook } from '../../src/inbound/hooks/graph';
import { seenSet } from '../../src/inbound/hooks/seen';
import { InboundMetrics } from '../../src/observability/inbound-metrics';
import { subscriptionKeeper, LIFETIME_MS, RENEW_WITHIN_MS } from '../../src/app/graph-subscriptions';
import { startGraphDeltaFake, USERS_SUBSCRIPTION_MAX_MINUTES, type GraphDeltaFake } from '../fakes/graph-delta';

const CLIENT_STATE = `state-${randomUUID()}`;
const DAY = 24 * 3600_000;
let clock: ManualClock;
let graph: GraphDeltaFake;
let server: InboundServer;
let notificationUrl: string;

beforeEach(async () => {
  clock = new ManualClock(new Date());
  graph = await startGraphDeltaFake({ now: () => clock.now().getTime() });
  const endpoints = new Map([['entra', graphHook({ clientState: CLIENT_STATE })]]);
  const family = hookRoutes(endpoints, { backend: { reread: async () => undefined }, seen: seenSet({ maxEntries: 10, ttlMs: 1000, now: Date.now }), log: silentLogger, onAccepted: () => undefined });
  server = await startInboundServer({ listen: 'tcp://127.0.0.1:0', limits: { maxBodyBytes: 65536, requestsPerSecond: 20, burst: 100 } }, [family], { log: silentLogger, metrics: new InboundMetrics() });
  notificationUrl = `${server.address.replace(/^tcp:/, 'http:')}/hooks/entra`;
});

afterEach(async () => {
  await server.close();
  await graph.close();
});

function keeper(url = notificationUrl) {
  const cfg = entraSourceSchema.parse({ name: 'entra', kind: 'entra', tenantId: graph.tenantId, clientId: graph.clientId, clientSecret: graph.clientSecret, authorityUrl: graph.authorityUrl, graphUrl: graph.graphUrl, hook: { publicUrl: url, clientState: CLIENT_STATE } });
  return subscriptionKeeper({ api: graphSubscriptionApi(cfg, clock), clock, notificationUrl: url, clientState: CLIENT_STATE });
}

describe('Graph change-notification subscription', () => {
  it('is created within Graph\'s 41 760-minute limit once the listener has echoed the validation token', async () => {
    const sub = await keeper().tick();
    expect(graph.subscriptions.get(sub.id)).toMatchObject({ resource: 'users', changeType: 'updated,deleted', clientState: CLIENT_STATE, notificationUrl });
    const left = Date.parse(sub.expirationDateTime) - clock.now().getTime();
    expect(left).toBe(LIFETIME_MS);
    expect(left).toBeLessThanOrEqual(USERS_SUBSCRIPTION_MAX_MINUTES * 60_000);
  });

  it('is not created when the notification URL does not answer the handshake', async () => {
    await expect(keeper(`${notificationUrl.replace('/entra', '/nobody')}`).tick()).rejects.toThrow(/Subscription validation request failed/);
    expect(graph.subscriptions.size).toBe(0);
  });

  it('is renewed by PATCH once less than three days are left, and left alone before', async () => {
    const k = keeper();
    const first = await k.tick();
    clock.advance(LIFETIME_MS - RENEW_WITHIN_MS - DAY);
    expect((await k.tick()).expirationDateTime).toBe(first.expirationDateTime);
    expect(graph.server.log.filter((r) => r.method === 'PATCH')).toHaveLength(0);
    clock.advance(2 * DAY);
    const renewed = await k.tick();
    expect(renewed.id).toBe(first.id);
    expect(Date.parse(renewed.expirationDateTime)).toBe(clock.now().getTime() + LIFETIME_MS);
    expect(graph.server.log.filter((r) => r.method === 'PATCH' && r.status === 200)).toHaveLength(1);
    expect(graph.subscriptions.size).toBe(1);
  });

  it('is created again when Graph no longer knows it (expired while idsync was down)', async () => {
    const k = keeper();
    const first = await k.tick();
    clock.advance(LIFETIME_MS + DAY);
    const again = await k.tick();
    expect(again.id).not.toBe(first.id);
    expect(graph.server.log.some((r) => r.method === 'PATCH' && r.status === 404)).toBe(true);
    expect(graph.subscriptions.has(again.id)).toBe(true);
  });

  it('is taken over by a later start with the same URL and clientState instead of doubled', async () => {
    const first = await keeper().tick();
    const second = await keeper().tick();
    expect(second.id).toBe(first.id);
    expect(graph.subscriptions.size).toBe(1);
  });
});
