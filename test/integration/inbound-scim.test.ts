// Inbound SCIM over real HTTP against the daemon started in-process (SQLite, the running Redis,
// the LDAP frontend): requests shaped as Entra and Okta send them (test/fixtures/scim), each write
// committed before its 2xx, and the hostile inputs the listener must refuse while it keeps serving.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { startDaemon, type Daemon } from '../../src/main';
import { silentLogger } from '../../src/ports/logger';
import { deletePrefix } from '../../src/redis/keys';
import { testConfig } from '../helpers/test-config';
import { fill, fixture, replay, type RecordedRequest } from '../helpers/scim-fixtures';

const ENTRA_TOKEN = `entra-${randomUUID()}`;
const OKTA_TOKEN = `okta-${randomUUID()}`;
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

let daemon: Daemon;
let base: string;
let prefix: string;

beforeAll(async () => {
  const site = testConfig('inbound', (dir) => {
    writeFileSync(join(dir, 'okta.token'), `${OKTA_TOKEN}\n`);
    return [
      'sources:',
      `  - { name: entra, kind: scim, token: ${ENTRA_TOKEN} }`,
      `  - { name: okta, kind: scim, tokenFile: ${join(dir, 'okta.token')} }`,
      `  - { name: flood, kind: scim, token: flood-token-0123456789 }`,
      'targets:',
      '  - { name: app, kind: fake }',
      'ldap:',
      '  baseDN: dc=example,dc=com',
      '  listen: [ "ldap://127.0.0.1:0" ]',
      'inbound:',
      '  listen: tcp://127.0.0.1:0',
      '  limits: { maxBodyBytes: 65536, requestsPerSecond: 2, burst: 60 }',
    ];
  });
  const { config } = site;
  prefix = site.prefix;
  daemon = await startDaemon(config, { log: silentLogger, initialSync: false });
  base = daemon.inbound!.address.replace(/^tcp:/, 'http:');
});

afterAll(async () => {
  if (daemon) {
    await deletePrefix(daemon.redis.client, prefix);
    expect(await daemon.close()).toEqual([]);
  }
});

const entra = (req: RecordedRequest, extra?: Record<string, string>) => replay(`${base}/scim/v2/entra`, req, ENTRA_TOKEN, extra);
const okta = (req: RecordedRequest, extra?: Record<string, string>) => replay(`${base}/scim/v2/okta`, req, OKTA_TOKEN, extra);

async function identityOf(source: string, id: string) {
  const record = await daemon.store.getSourceRecord(source, id);
  return record?.identityId ? daemon.store.getIdentity({ by: 'id', value: record.identityId }) : null;
}

async function createEntraUser(userName: string, employeeNumber: string, givenName = 'givenName') {
  const req = fixture('entra-create-user') as RecordedRequest & { body: any };
  req.body.userName = userName;
  req.body.externalId = randomUUID();
  req.body.name.givenName = givenName;
  req.body[ENTERPRISE].employeeNumber = employeeNumber;
  const res = await entra(req);
  expect(res.status).toBe(201);
  return res;
}

describe('inbound SCIM: Entra provisioning', () => {
  it('answers the userName probe with an empty list, then creates the user with the enterprise extension, committed before the 201', async () => {
    const probe = await entra(fixture('entra-get-user-by-username'));
    expect(probe.status).toBe(200);
    expect(probe.json).toMatchObject({ totalResults: 0, Resources: [] });

    const created = await entra(fixture('entra-create-user'));
    expect(created.status).toBe(201);
    expect(created.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(created.headers.get('etag')).toMatch(/^W\/"[0-9a-f]+"$/);
    const id = created.json.id as string;
    expect(created.headers.get('location')).toBe(`${base}/scim/v2/entra/Users/${id}`);
    expect(created.json[ENTERPRISE]).toEqual({ employeeNumber: 'E-ENTRA-1', department: 'Finance' });
    // durable when the 201 left: the identity and its audit are in the store already
    const identity = await identityOf('entra', id);
    expect(identity).toMatchObject({ state: 'active', employeeId: 'E-ENTRA-1' });
    expect(identity!.attributes).toMatchObject({ department: 'Finance', mail: 'test_user_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com' });
    expect((await daemon.store.auditOfSubject(identity!.id)).map((a) => a.action)).toContain('identity.create');

    const again = await entra(fixture('entra-get-user-by-username'));
    expect(again.json.totalResults).toBe(1);
    expect(again.json.Resources[0].id).toBe(id);
    // userName matches case-insensitively, so the same name in other case is a clash
    const clash = fixture('entra-create-user') as RecordedRequest & { body: any };
    clash.body.userName = clash.body.userName.toUpperCase();
    const refused = await entra(clash);
    expect(refused.status).toBe(409);
    expect(refused.json).toMatchObject({ scimType: 'uniqueness', status: '409' });
  });

  it('applies capitalised ops, a value-filtered email path, enterprise attributes by URN and the manager as a bare id', async () => {
    const manager = await createEntraUser('manager@contoso.test', 'E-MGR-1', 'Grace');
    const report = await createEntraUser('report@contoso.test', 'E-REP-1', 'Alan');
    const id = report.json.id as string;
    const res = await entra(fill(fixture('entra-patch-user-attributes'), { id, managerId: manager.json.id }));
    expect(res.status).toBe(200);
    // mail addresses are stored lower-cased (they compare case-insensitively)
    expect(res.json.emails).toEqual([{ value: 'updatedemail@microsoft.com', type: 'work', primary: true }]);
    expect(res.json.name.familyName).toBe('updatedFamilyName');
    expect(res.json[ENTERPRISE]).toMatchObject({ department: 'Sales', manager: { value: manager.json.id } });
    const identity = await identityOf('entra', id);
    expect(identity!.attributes).toMatchObject({ mail: 'updatedemail@microsoft.com', sn: 'updatedFamilyName', department: 'Sales', manager: 'E-MGR-1' });
  });

  it('takes "active": "False" as a deactivation that terminates the person, with priority-1 intents, before the 200', async () => {
    const created = await createEntraUser('leaver@contoso.test', 'E-LEAVE-1', 'Lea');
    const id = created.json.id as string;
    const identityId = (await identityOf('entra', id))!.id;
    const res = await entra(fill(fixture('entra-disable-user'), { id }));
    expect(res.status).toBe(200);
    expect(res.json.active).toBe(false);
    expect((await identityOf('entra', id))!.state).toBe('terminated');
    const intents = await daemon.store.listIntents({ identityId, target: 'app' });
    expect(intents.some((i) => i.priority === 1)).toBe(true);
    expect((await daemon.store.auditOfSubject(identityId)).map((a) => a.action)).toContain('identity.terminate');
  });

  // a bind refused from the moment a DELETE has been answered: inbound-scim-view.test.ts, whose
  // LDAP view refreshes slowly enough that only the wait before the 204 makes it pass

  it('answers eq on userName, externalId and id through the index with the filter\'s own case rules', async () => {
    const req = fixture('entra-create-user') as RecordedRequest & { body: any };
    req.body.userName = 'Indexed.Person@Contoso.test';
    req.body.externalId = 'Ext-Case-1';
    req.body[ENTERPRISE].employeeNumber = 'E-IDX-1';
    const created = await entra(req);
    expect(created.status).toBe(201);
    const id = created.json.id as string;
    const list = async (filter: string) => {
      const res = await entra({ method: 'GET', path: `/Users?filter=${encodeURIComponent(filter)}`, headers: {} });
      expect(res.status).toBe(200);
      return (res.json.Resources as Array<{ id: string }>).map((r) => r.id);
    };
    expect(await list('userName eq "indexed.person@contoso.TEST"')).toEqual([id]);
    expect(await list('USERNAME EQ "Indexed.Person@Contoso.test" and active eq true')).toEqual([id]);
    expect(await list('userName eq "Indexed.Person@Contoso.test" and active eq false')).toEqual([]);
    // externalId is case-exact (RFC 7643): the lower-cased index only narrows, the filter decides
    expect(await list('externalId eq "Ext-Case-1"')).toEqual([id]);
    expect(await list('externalId eq "ext-case-1"')).toEqual([]);
    expect(await list(`id eq "${id}"`)).toEqual([id]);
    expect(await list(`id eq "${id.toUpperCase()}"`)).toEqual([]);
    // a deleted user's name is free again and no longer found
    expect((await entra(fill(fixture('entra-delete-user'), { id }))).status).toBe(204);
    expect(await list('userName eq "indexed.person@contoso.test"')).toEqual([]);
    const again = fixture('entra-create-user') as RecordedRequest & { body: any };
    again.body.userName = 'INDEXED.PERSON@contoso.test';
    again.body.externalId = randomUUID();
    again.body[ENTERPRISE].employeeNumber = 'E-IDX-2';
    const recreated = await entra(again);
    expect(recreated.status).toBe(201);
    expect(await list('userName eq "indexed.person@contoso.test"')).toEqual([recreated.json.id]);
  });

  it('creates a group and adds and removes members in both of Entra\'s removal forms', async () => {
    const a = (await createEntraUser('member.a@contoso.test', 'E-MA')).json.id as string;
    const b = (await createEntraUser('member.b@contoso.test', 'E-MB')).json.id as string;
    const group = await entra(fixture('entra-create-group'));
    expect(group.status).toBe(201);
    const id = group.json.id as string;
    for (const memberId of [a, b]) expect((await entra(fill(fixture('entra-add-member'), { id, memberId }))).status).toBe(200);
    const full = await entra({ method: 'GET', path: `/Groups/${id}`, headers: {} });
    expect(full.json.members.map((m: { value: string }) => m.value).sort()).toEqual([a, b].sort());
    const slim = await entra({ method: 'GET', path: `/Groups/${id}?excludedAttributes=members`, headers: {} });
    expect(slim.json.members).toBeUndefined();

    expect((await entra(fill(fixture('entra-remove-member'), { id, memberId: a }))).status).toBe(200);
    const after = await entra(fill(fixture('entra-remove-member-filtered'), { id, memberId: b }));
    expect(after.status).toBe(200);
    expect(after.json.members).toEqual([]);
    const audit = await daemon.store.auditOfSubject(id);
    expect(audit.map((r) => r.action)).toEqual(['scim.group.create', 'scim.group.update', 'scim.group.update', 'scim.group.update', 'scim.group.update']);
  });
});

describe('inbound SCIM: Okta provisioning', () => {
  it('probes by userName, creates with POST, and deactivates with GET then PUT of the whole user', async () => {
    const probe = await okta(fixture('okta-get-user-by-username'));
    expect(probe.status).toBe(200);
    expect(probe.json.totalResults).toBe(0);
    const created = await okta(fixture('okta-create-user'));
    expect(created.status).toBe(201);
    const id = created.json.id as string;
    expect(created.json).toMatchObject({ userName: 'test.user@okta.local', externalId: '00ujl29u0le5T6Aj10h7', active: true });
    expect(created.json).not.toHaveProperty('password');

    const got = await okta({ method: 'GET', path: `/Users/${id}`, headers: {} });
    expect(got.status).toBe(200);
    const etag = got.headers.get('etag')!;
    // a PUT that carries a stale version is refused and changes nothing
    const stale = await okta(fill(fixture('okta-deactivate-put'), { id }), { 'If-Match': 'W/"0000"' });
    expect(stale.status).toBe(412);
    expect((await identityOf('okta', id))!.state).toBe('active');

    const put = await okta(fill(fixture('okta-deactivate-put'), { id }), { 'If-Match': etag });
    expect(put.status).toBe(200);
    expect(put.json.active).toBe(false);
    expect(put.headers.get('etag')).not.toBe(etag);
    expect((await identityOf('okta', id))!.state).toBe('terminated');

    // Okta's own round trip: the resource as served, sent back whole with active true again
    const reread = await okta({ method: 'GET', path: `/Users/${id}`, headers: {} });
    const back = await okta({ method: 'PUT', path: `/Users/${id}`, headers: { 'Content-Type': 'application/scim+json' }, body: { ...reread.json, active: true } });
    expect(back.status).toBe(200);
    expect((await identityOf('okta', id))!.state).toBe('active');
  });

  it('pages with startIndex and count', async () => {
    for (const n of [1, 2, 3]) {
      const req = fixture('okta-create-user') as RecordedRequest & { body: any };
      req.body.userName = `pager${n}@okta.local`;
      req.body.name.familyName = `Pager${n}`;
      expect((await okta(req)).status).toBe(201);
    }
    const page = await okta({ method: 'GET', path: '/Users?filter=userName%20sw%20%22pager%22&startIndex=2&count=1', headers: {} });
    expect(page.json).toMatchObject({ totalResults: 3, startIndex: 2, itemsPerPage: 1 });
    expect(page.json.Resources[0].userName).toBe('pager2@okta.local');
  });
});

describe('inbound listener: hostile input', () => {
  const users = (extra: RequestInit = {}, token: string | null = ENTRA_TOKEN, source = 'entra') =>
    fetch(`${base}/scim/v2/${source}/Users`, { ...extra, headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), 'Content-Type': 'application/scim+json', ...(extra.headers as Record<string, string>) } });

  it('answers each refusal with a 4xx and a one-line reason, counts it, and keeps serving', async () => {
    const metrics = daemon.inbound!.metrics;
    const cases: [string, () => Promise<Response>, number, string][] = [
      ['no token', () => users({}, null), 401, 'no_token'],
      ['wrong token', () => users({}, OKTA_TOKEN), 401, 'wrong_token'],
      ['oversized body', () => users({ method: 'POST', body: JSON.stringify({ schemas: [], pad: 'x'.repeat(70_000) }) }), 413, 'body_too_large'],
      ['malformed JSON', () => users({ method: 'POST', body: '{"schemas": [' }), 400, 'malformed_json'],
      ['unknown source', () => users({}, ENTRA_TOKEN, 'nosuch'), 404, 'unknown_source'],
      ['bad filter', () => fetch(`${base}/scim/v2/entra/Users?filter=${encodeURIComponent('userName eq')}`, { headers: { Authorization: `Bearer ${ENTRA_TOKEN}` } }), 400, 'invalidFilter'],
      ['unknown operator', () => fetch(`${base}/scim/v2/entra/Users?filter=${encodeURIComponent('userName like "x"')}`, { headers: { Authorization: `Bearer ${ENTRA_TOKEN}` } }), 400, 'invalidFilter'],
    ];
    for (const [what, send, status, reason] of cases) {
      const before = metrics.rejectedTotal({ status, reason });
      const res = await send();
      const text = await res.text();
      expect({ what, status: res.status }).toEqual({ what, status });
      expect(text).not.toContain('\n');
      const body = JSON.parse(text);
      expect(body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
      expect(body.status).toBe(String(status));
      expect(typeof body.detail).toBe('string');
      expect(metrics.rejectedTotal({ status, reason })).toBe(before + 1);
    }
    const bad: any = await (await fetch(`${base}/scim/v2/entra/Users?filter=${encodeURIComponent('userName eq')}`, { headers: { Authorization: `Bearer ${ENTRA_TOKEN}` } })).json();
    expect(bad.scimType).toBe('invalidFilter');
    expect((await users()).status).toBe(200);
  });

  it('rate-limits one source with 429 and Retry-After without slowing the others', async () => {
    const answers = await Promise.all(Array.from({ length: 150 }, () => users({}, 'flood-token-0123456789', 'flood')));
    const limited = answers.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(Number(limited[0].headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await limited[0].json()) as any).detail).toMatch(/too many requests/);
    expect(daemon.inbound!.metrics.rejectedTotal({ source: 'flood', status: 429 })).toBe(limited.length);
    expect((await users()).status).toBe(200);
  });
});
