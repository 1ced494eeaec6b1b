import { openTarget } from '../../src/connectors/targets';
import { startScimServer, type ScimServer } from '../fakes/scim-server';
import { desiredFor, runTargetConnectorConformance, type PeerAccount, type TargetHarness } from './target-connector';

function peekScim(srv: ScimServer) {
  return async (userName: string): Promise<PeerAccount | null> => {
    const user = [...srv.users.values()].find((u) => String(u.userName).toLowerCase() === userName.toLowerCase());
    if (!user) return null;
    const groups = [...srv.groups.values()].filter((g) => (g.members ?? []).some((m: any) => m.value === user.id)).map((g) => g.displayName);
    return { active: user.active !== false, attributes: { title: user.title ?? null }, groups };
  };
}

async function scimHarness(options: Parameters<typeof startScimServer>[0]): Promise<TargetHarness> {
  const srv = await startScimServer(options);
  return {
    connector: openTarget({ name: 'app', kind: 'scim', url: srv.url, token: srv.token }),
    cleanup: () => srv.close(),
    peek: peekScim(srv),
    failNext: (status, retryAfter) => srv.inject({ status, retryAfter }),
  };
}

runTargetConnectorConformance('SCIM (scimmy, RFC-style case-insensitive filter, ETags)', () => scimHarness({ caseInsensitiveFilter: true }));
runTargetConnectorConformance('SCIM (scimmy as shipped: case-sensitive filter)', () => scimHarness({ caseInsensitiveFilter: false }), {
  caseInsensitiveLookup: false,
});
runTargetConnectorConformance('SCIM (PUT only, Okta style)', () => scimHarness({ caseInsensitiveFilter: true, patchSupported: false }));

// What each connector call costs at the provider, per variant: the worker's lookup comes on top
// (one search for a create, one GET by id for an update or disable).
describe.each([
  { variant: 'RFC-style filter', options: { caseInsensitiveFilter: true }, adoptSearch: ['GET /Users 200'], write: ['PATCH /Users/:id 200'] },
  // the filter misses in another case, so the 409 leads to a walk of /Users
  { variant: 'case-sensitive filter', options: { caseInsensitiveFilter: false }, adoptSearch: ['GET /Users 200', 'GET /Users 200'], write: ['PATCH /Users/:id 200'] },
  { variant: 'PUT only', options: { caseInsensitiveFilter: true, patchSupported: false }, adoptSearch: ['GET /Users 200'], write: ['GET /Users/:id 200', 'PUT /Users/:id 200'] },
])('SCIM requests per connector call ($variant)', ({ options, adoptSearch, write }) => {
  let srv: ScimServer;
  let connector: ReturnType<typeof openTarget>;
  beforeAll(async () => {
    srv = await startScimServer(options);
    connector = openTarget({ name: 'app', kind: 'scim', url: srv.url, token: srv.token });
    // the PUT-only provider is found out on the first write; from then on a write is GET + PUT
    await connector.update(await connector.create(desiredFor('warm-up')), { ...desiredFor('warm-up'), attributes: { ...desiredFor('warm-up').attributes, title: 'x' } });
  });
  afterAll(async () => srv.close());
  const during = async <T>(work: () => Promise<T>): Promise<{ result: T; requests: string[] }> => {
    const mark = srv.log.length;
    const result = await work();
    const requests = srv.log.slice(mark).map((l) => `${l.method} ${l.path.replace('/scim/v2', '').replace(/[0-9a-f-]{36}/g, ':id')} ${l.status}`);
    return { result, requests };
  };

  it('create of a new account is one POST, with no search of its own', async () => {
    expect((await during(() => connector.create(desiredFor('new-one')))).requests).toEqual(['POST /Users 201']);
  });

  it('create of an existing account (another case) is the POST, its 409, the search that finds it and one write', async () => {
    const first = await connector.create(desiredFor('Twice-Made'));
    const { result, requests } = await during(() => connector.create(desiredFor('twice-made', { attributes: { ...desiredFor('twice-made').attributes, title: 'Lead' } })));
    expect(requests).toEqual(['POST /Users 409', ...adoptSearch, ...write]);
    expect(result.externalId).toBe(first.externalId);
    expect([...srv.users.values()].filter((u) => String(u.userName).toLowerCase() === 'twice-made')).toHaveLength(1);
  });

  it('update and disable are one write each', async () => {
    const created = await connector.create(desiredFor('one-write'));
    const updated = await during(() => connector.update(created, { ...desiredFor('one-write'), attributes: { ...desiredFor('one-write').attributes, title: 'Lead' } }));
    expect(updated.requests).toEqual(write);
    expect((await during(() => connector.disable(updated.result))).requests).toEqual(write);
    expect(srv.users.get(created.externalId)).toMatchObject({ title: 'Lead', active: false });
  });
});
