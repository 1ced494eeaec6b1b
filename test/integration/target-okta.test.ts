import { openTarget } from '../../src/connectors/targets';
import { nextLink } from '../../src/connectors/targets/okta/client';
import { PermanentTargetError, RetryableTargetError } from '../../src/ports/target-connector';
import { startOktaFake, type OktaFake } from '../fakes/okta';
import { desiredFor } from '../conformance/target-connector';

describe('Okta target against the Management API fake', () => {
  let o: OktaFake;
  const open = (extra: Record<string, unknown> = {}) => openTarget({ name: 'okta', kind: 'okta', url: o.url, token: o.token, loginDomain: 'example.com', ...extra });
  beforeAll(async () => {
    o = await startOktaFake();
  });
  afterAll(async () => o.close());

  it('deactivates and clears sessions on disable; a repeat clears sessions again without failing', async () => {
    const okta = open();
    const created = await okta.create(desiredFor('lee-1'));
    expect(o.users.get(created.externalId)?.status).toBe('PROVISIONED');
    await okta.disable(created);
    expect(o.users.get(created.externalId)?.status).toBe('DEPROVISIONED');
    expect(o.counts.sessionsCleared.get(created.externalId)).toBe(1);
    const seen = await okta.lookup('lee-1', null);
    expect(seen?.active).toBe(false);
    await okta.disable(seen!);
    expect(o.counts.sessionsCleared.get(created.externalId)).toBe(2);
  });

  it('removes an active user with the two DELETEs Okta requires', async () => {
    const okta = open();
    const created = await okta.create(desiredFor('max-1'));
    await okta.remove(created);
    expect(o.users.has(created.externalId)).toBe(false);
  });

  it('pages with Link rel="next" and includes DEPROVISIONED users in list()', async () => {
    const okta = open({ pageSize: 2 });
    for (let i = 0; i < 5; i++) await okta.create(desiredFor(`okpage-${i}`));
    await okta.disable((await okta.lookup('okpage-4', null))!);
    const seen = new Map<string, boolean>();
    for await (const a of okta.list()) seen.set(a.userName, a.active);
    for (let i = 0; i < 4; i++) expect(seen.get(`okpage-${i}`)).toBe(true);
    expect(seen.get('okpage-4')).toBe(false);
    expect(o.server.log.filter((l) => l.method === 'GET' && l.path === '/api/v1/users').length).toBeGreaterThanOrEqual(3);
  });

  it('concurrent creates into a new group create that group once', async () => {
    const okta = open();
    await Promise.all([0, 1, 2, 3, 4].map((i) => okta.create(desiredFor(`crowd-${i}`, { groups: ['crowd'] }))));
    const crowd = [...o.groups.values()].filter((x) => x.profile.name === 'crowd');
    expect(crowd).toHaveLength(1);
    expect(crowd[0].members.size).toBe(5);
  });

  it('reads the next link out of a multi-link header', () => {
    expect(nextLink('<https://x/api/v1/users?limit=2>; rel="self", <https://x/api/v1/users?after=00u1&limit=2>; rel="next"')).toBe('https://x/api/v1/users?after=00u1&limit=2');
    expect(nextLink('<https://x/api/v1/users?limit=2>; rel="self"')).toBeNull();
  });

  it('an exhausted rate limit is retryable until X-Rate-Limit-Reset', async () => {
    const tight = await startOktaFake({ rateLimit: 3 });
    try {
      const okta = openTarget({ name: 'o', kind: 'okta', url: tight.url, token: tight.token });
      const results = await Promise.allSettled([1, 2, 3, 4, 5].map((i) => okta.lookup(`u${i}@example.com`, null)));
      const err = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')?.reason;
      expect(err).toBeInstanceOf(RetryableTargetError);
      expect(err.message).toMatch(/E0000047/);
      expect(err.retryAfterMs).toBeGreaterThan(55_000);
      expect(err.retryAfterMs).toBeLessThanOrEqual(60_000);
    } finally {
      await tight.close();
    }
  });

  it('a validation error is permanent and quotes errorCode and errorCauses', async () => {
    const err = await open().create(desiredFor('ned-1', { groups: ['Everyone'] })).catch((e) => e);
    expect(err).toBeInstanceOf(PermanentTargetError);
    expect(err.message).toMatch(/E0000001: Api validation failed: group \(Cannot modify the membership of a built-in group\)/);
  });

  it('a bad token is permanent (401, E0000011)', async () => {
    const err = await open({ token: 'nope' }).lookup('x', null).catch((e) => e);
    expect(err).toBeInstanceOf(PermanentTargetError);
    expect(err.message).toMatch(/E0000011/);
  });
});
