import { openTarget } from '../../src/connectors/targets';
import { ManualClock } from '../../src/ports/clock';
import { PermanentTargetError, RetryableTargetError } from '../../src/ports/target-connector';
import { startGraphFake, type GraphFake } from '../fakes/graph';
import { desiredFor } from '../conformance/target-connector';

describe('Entra target against the Graph fake', () => {
  let g: GraphFake;
  const clock = new ManualClock(new Date());
  const open = (extra: Record<string, unknown> = {}) =>
    openTarget(
      { name: 'entra', kind: 'entra', tenantId: g.tenantId, clientId: g.clientId, clientSecret: g.clientSecret, upnDomain: 'example.com', authorityUrl: g.authorityUrl, graphUrl: g.graphUrl, ...extra },
      { clock },
    );
  beforeAll(async () => {
    g = await startGraphFake();
  });
  afterAll(async () => g.close());

  it('fetches one client-credentials token, reuses it, and renews it when it expires', async () => {
    const entra = open();
    const before = g.counts.tokens;
    await entra.lookup('nobody', null);
    await entra.lookup('nobody', null);
    expect(g.counts.tokens - before).toBe(1);
    clock.advance(3600 * 1000);
    await entra.lookup('nobody', null);
    expect(g.counts.tokens - before).toBe(2);
    g.expireTokens(); // revoked server-side: 401, then one retry with a fresh token
    await entra.lookup('nobody', null);
    expect(g.counts.tokens - before).toBe(3);
  });

  it('disable sets accountEnabled false and revokes sign-in sessions, also on a repeat', async () => {
    const entra = open();
    const created = await entra.create(desiredFor('kim-1'));
    const upn = 'kim-1@example.com';
    expect(g.users.get(created.externalId)?.userPrincipalName).toBe(upn);
    await entra.disable(created);
    expect(g.users.get(created.externalId)?.accountEnabled).toBe(false);
    expect(g.counts.revokes.get(created.externalId)).toBe(1);
    await entra.disable({ ...created, active: false });
    expect(g.counts.revokes.get(created.externalId)).toBe(2);
  });

  it('concurrent creates into a new group create that group once (Graph allows duplicate names)', async () => {
    const entra = open();
    await Promise.all([0, 1, 2, 3, 4].map((i) => entra.create(desiredFor(`crowd-${i}`, { groups: ['crowd'] }))));
    const crowd = [...g.groups.values()].filter((x) => x.displayName === 'crowd');
    expect(crowd).toHaveLength(1);
    expect(crowd[0].members.size).toBe(5);
  });

  it('lists through @odata.nextLink pages', async () => {
    const entra = open({ pageSize: 2 });
    for (let i = 0; i < 5; i++) await entra.create(desiredFor(`page-${i}`));
    const names: string[] = [];
    for await (const a of entra.list()) names.push(a.userName);
    expect(names).toEqual(expect.arrayContaining(['page-0', 'page-1', 'page-2', 'page-3', 'page-4']));
    expect(g.server.log.filter((l) => l.path === '/v1.0/users' && l.method === 'GET').length).toBeGreaterThanOrEqual(3);
  });

  it('replication lag after create is retryable, and the retry completes the memberships', async () => {
    const lagging = await startGraphFake({ replicationDelayMs: 1500 }); // long enough that a loaded machine still adds the groups inside it
    try {
      const entra = openTarget({ name: 'e', kind: 'entra', tenantId: lagging.tenantId, clientId: lagging.clientId, clientSecret: lagging.clientSecret, upnDomain: 'example.com', authorityUrl: lagging.authorityUrl, graphUrl: lagging.graphUrl });
      const desired = desiredFor('lag-1', { groups: ['vpn'] });
      const err = await entra.create(desired).catch((e) => e);
      expect(err).toBeInstanceOf(RetryableTargetError);
      expect(err.message).toMatch(/not replicated yet/);
      expect(err.retryAfterMs).toBe(2000);
      await new Promise((r) => setTimeout(r, 1600));
      // what the worker does on retry: lookup finds the account, create adopts and completes it
      const done = await entra.create(desired);
      expect(done.groups).toEqual(['vpn']);
      expect(lagging.users.size).toBe(1);
    } finally {
      await lagging.close();
    }
  });

  it('a wrong client secret is permanent and says so', async () => {
    const err = await open({ clientSecret: 'wrong' }).lookup('x', null).catch((e) => e);
    expect(err).toBeInstanceOf(PermanentTargetError);
    expect(err.message).toMatch(/token endpoint.*answered 401: AADSTS7000215: Invalid client secret/);
  });

  it('throttling (429 + Retry-After) is retryable with the advised delay', async () => {
    const limited = await startGraphFake({ requestsPerSecond: 2 });
    try {
      const entra = openTarget({ name: 'e', kind: 'entra', tenantId: limited.tenantId, clientId: limited.clientId, clientSecret: limited.clientSecret, upnDomain: 'example.com', authorityUrl: limited.authorityUrl, graphUrl: limited.graphUrl });
      const results = await Promise.allSettled([1, 2, 3, 4].map((i) => entra.lookup(`u${i}`, null)));
      const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason);
      expect(rejected.length).toBeGreaterThan(0);
      expect(rejected[0]).toBeInstanceOf(RetryableTargetError);
      expect(rejected[0].retryAfterMs).toBe(1000);
    } finally {
      await limited.close();
    }
  });

  it('a malformed body is a clear retryable error, not a crash', async () => {
    g.server.faults.push({ status: 200, body: '{"value": [', path: /\/v1\.0\/users$/ });
    const err = await open().lookup('x', null).catch((e) => e);
    expect(err).toBeInstanceOf(RetryableTargetError);
    expect(err.message).toMatch(/malformed JSON/);
  });
});
