// Pins the behaviour of the scimmy-based SCIM fake that the connector, drill and benchmark rely on.
import { startScimServer, type ScimServer } from '../fakes/scim-server';

describe('SCIM fake service provider (scimmy)', () => {
  let srv: ScimServer;
  beforeAll(async () => {
    srv = await startScimServer();
  });
  afterAll(async () => srv.close());
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(srv.url + path, {
      method,
      headers: { authorization: `Bearer ${srv.token}`, 'content-type': 'application/scim+json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('rejects a request without the bearer token', async () => {
    const res = await fetch(srv.url + '/Users');
    expect(res.status).toBe(401);
  });

  it('creates, filters, patches with If-Match and deletes a user', async () => {
    const created = await call('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'Alice', active: true });
    expect(created.status).toBe(201);
    const alice = (await created.json()) as any;
    expect(alice.meta.version).toBe('W/"1"');
    const found = (await (await call('GET', `/Users?filter=${encodeURIComponent('userName eq "Alice"')}`)).json()) as any;
    expect(found.totalResults).toBe(1);
    const stale = await call('PATCH', `/Users/${alice.id}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] }, { 'if-match': 'W/"7"' });
    expect(stale.status).toBe(412);
    const patched = await call('PATCH', `/Users/${alice.id}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] }, { 'if-match': alice.meta.version });
    expect(patched.status).toBe(200);
    expect(((await patched.json()) as any).active).toBe(false);
    expect((await call('DELETE', `/Users/${alice.id}`)).status).toBe(204);
    expect(srv.users.size).toBe(0);
  });

  it('injects 429 with Retry-After once, then answers normally', async () => {
    srv.inject({ status: 429, retryAfter: 2, method: 'GET' });
    const limited = await call('GET', '/Users');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect((await call('GET', '/Users')).status).toBe(200);
  });
});

describe('SCIM fake filters', () => {
  it('matches userName case-insensitively only when asked to, as RFC 7643 wants and scimmy does not', async () => {
    for (const caseInsensitiveFilter of [true, false]) {
      const srv = await startScimServer({ caseInsensitiveFilter });
      try {
        const headers = { authorization: `Bearer ${srv.token}`, 'content-type': 'application/scim+json' };
        await fetch(`${srv.url}/Users`, { method: 'POST', headers, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'Alice' }) });
        const res = (await (await fetch(`${srv.url}/Users?filter=${encodeURIComponent('userName eq "ALICE"')}`, { headers })).json()) as any;
        expect(res.totalResults).toBe(caseInsensitiveFilter ? 1 : 0);
      } finally {
        await srv.close();
      }
    }
  });
});
