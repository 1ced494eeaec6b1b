import { openTarget } from '../../src/connectors/targets';
import { fromScimUser } from '../../src/connectors/targets/scim/mapping';
import { parseRetryAfter } from '../../src/connectors/http';
import { PermanentTargetError, RetryableTargetError, type TargetConnector } from '../../src/ports/target-connector';
import { startScimServer, type ScimServer } from '../fakes/scim-server';
import { desiredFor } from '../conformance/target-connector';
import { freePort } from '../helpers/slapd';

describe('SCIM target against scimmy: protocol details', () => {
  let srv: ScimServer;
  let scim: TargetConnector;
  const open = (extra: Record<string, unknown> = {}, server = srv) => openTarget({ name: 'app', kind: 'scim', url: server.url, token: server.token, ...extra });
  beforeAll(async () => {
    srv = await startScimServer({ caseInsensitiveFilter: true });
    scim = open();
  });
  afterAll(async () => srv.close());
  const since = (mark: number) => srv.log.slice(mark);

  it('sends the full resource on create: core, emails[primary work], enterprise extension, externalId', async () => {
    const desired = desiredFor('opal-1');
    desired.attributes.manager = 'E-MGR-1';
    const created = await scim.create(desired);
    const stored = srv.users.get(created.externalId)!;
    expect(stored).toMatchObject({
      userName: 'opal-1',
      externalId: desired.identityId,
      active: true,
      name: { givenName: 'opal', familyName: 'Tester' },
      emails: [{ value: 'opal-1@example.com', type: 'work', primary: true }],
      title: 'Engineer',
    });
    expect(stored['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User']).toMatchObject({ department: 'Research', manager: { value: 'E-MGR-1' } });
  });

  it('PATCHes only the attributes that differ, with If-Match from meta.version', async () => {
    const desired = desiredFor('pia-1');
    const created = await scim.create(desired);
    const mark = srv.log.length;
    await scim.update(created, { ...desired, attributes: { ...desired.attributes, title: 'Lead', mail: null } });
    const patch = since(mark).find((l) => l.method === 'PATCH')!;
    expect(patch.ifMatch).toBe('W/"1"');
    expect(patch.body.Operations).toEqual([
      { op: 'remove', path: 'emails' },
      { op: 'replace', path: 'title', value: 'Lead' },
    ]);
    expect(srv.users.get(created.externalId)!.emails).toBeUndefined();
  });

  it('on 412 re-reads the user and retries against the fresh version', async () => {
    const desired = desiredFor('quinn-1');
    const created = await scim.create(desired);
    srv.touchUser(created.externalId); // someone else wrote in between
    const mark = srv.log.length;
    const disabled = await scim.disable(created);
    expect(disabled.active).toBe(false);
    expect(since(mark).map((l) => `${l.method} ${l.status}`)).toEqual(['PATCH 412', 'GET 200', 'PATCH 200']);
  });

  it('falls back to GET + PUT when PATCH answers 501, and skips PATCH from then on', async () => {
    const putOnly = await startScimServer({ patchSupported: false, caseInsensitiveFilter: true });
    try {
      const target = open({}, putOnly);
      const desired = desiredFor('rhea-1');
      const created = await target.create(desired);
      let mark = putOnly.log.length;
      await target.update(created, { ...desired, attributes: { ...desired.attributes, title: 'Chief' } });
      expect(putOnly.log.slice(mark).map((l) => l.method)).toEqual(['PATCH', 'GET', 'PUT']);
      expect(putOnly.users.get(created.externalId)).toMatchObject({ title: 'Chief', emails: [{ value: 'rhea-1@example.com' }] });
      mark = putOnly.log.length;
      await target.disable({ ...created, active: true });
      expect(putOnly.log.slice(mark).map((l) => l.method)).toEqual(['GET', 'PUT']);
      expect(putOnly.users.get(created.externalId)?.active).toBe(false);
    } finally {
      await putOnly.close();
    }
  });

  it('removes a group member with a value-filter path', async () => {
    const desired = desiredFor('sol-1', { groups: ['ops'] });
    const created = await scim.create(desired);
    const mark = srv.log.length;
    await scim.update(created, { ...desired, groups: [] });
    const patch = since(mark).find((l) => l.method === 'PATCH' && l.path.startsWith('/scim/v2/Groups/'))!;
    expect(patch.body.Operations).toEqual([{ op: 'remove', path: `members[value eq "${created.externalId}"]` }]);
  });

  it('concurrent creates into a new group create that group once', async () => {
    await Promise.all([0, 1, 2, 3, 4].map((i) => scim.create(desiredFor(`crowd-${i}`, { groups: ['crowd'] }))));
    const crowd = [...srv.groups.values()].filter((g) => g.displayName === 'crowd');
    expect(crowd).toHaveLength(1);
    expect(crowd[0].members).toHaveLength(5);
  });

  it('a slow provider times out as a retryable error', async () => {
    srv.inject({ status: 0, delayMs: 1500 });
    const err = await open({ timeoutMs: 200 }).lookup('tara-1', null).catch((e) => e);
    expect(err).toBeInstanceOf(RetryableTargetError);
    expect(err.message).toMatch(/no answer within 200 ms/);
  });

  it('a malformed body is a clear retryable error, not a crash', async () => {
    srv.inject({ status: 200, body: '{"Resources": [ {"id": ' });
    const err = await scim.lookup('uma-1', null).catch((e) => e);
    expect(err).toBeInstanceOf(RetryableTargetError);
    expect(err.message).toMatch(/SCIM target "app": GET \/scim\/v2\/Users answered 200 with malformed JSON/);
  });

  it('reads the account back when a create answers 201 without a body', async () => {
    srv.inject({ status: 0, method: 'POST', path: /\/Users$/, stripBody: true });
    const created = await scim.create(desiredFor('wes-1'));
    expect(srv.log.some((l) => l.method === 'POST' && l.status === 201 && l.body?.userName === 'wes-1')).toBe(true);
    expect(srv.users.get(created.externalId)?.userName).toBe('wes-1');
  });

  it('a create answered without a body whose account cannot be found is a clear permanent error', async () => {
    srv.inject({ status: 200, method: 'POST', path: /\/Users$/, body: '' });
    const err = await scim.create(desiredFor('xia-1')).catch((e) => e);
    expect(err).toBeInstanceOf(PermanentTargetError);
    expect(err.message).toMatch(/POST \/Users answered 200 but the account cannot be found/);
  });

  it('a 409 uniqueness error on a name that cannot be found is permanent and clear', async () => {
    srv.inject({ status: 409, method: 'POST' });
    const err = await scim.create(desiredFor('vera-1')).catch((e) => e);
    expect(err).toBeInstanceOf(PermanentTargetError);
    expect(err.message).toMatch(/userName "vera-1" is taken but cannot be found/);
  });

  it('a refused connection is retryable; a wrong token is permanent (401)', async () => {
    const down = await open({ url: `http://127.0.0.1:${await freePort()}/scim/v2` }).lookup('x', null).catch((e) => e);
    expect(down).toBeInstanceOf(RetryableTargetError);
    expect(down.message).toMatch(/ECONNREFUSED/);
    const denied = await open({ token: 'wrong' }).lookup('x', null).catch((e) => e);
    expect(denied).toBeInstanceOf(PermanentTargetError);
    expect(denied.status).toBe(401);
  });

  it('lists users across pages (count 2)', async () => {
    const paged = open({ pageSize: 2 });
    const mark = srv.log.length;
    const names: string[] = [];
    for await (const a of paged.list()) names.push(a.userName);
    expect(names).toEqual(expect.arrayContaining(['opal-1', 'pia-1', 'quinn-1', 'sol-1']));
    expect(names.length).toBe(srv.users.size);
    expect(srv.users.size).toBeGreaterThanOrEqual(4);
    expect(since(mark).filter((l) => l.path === '/scim/v2/Users').length).toBe(Math.ceil(srv.users.size / 2));
  });
});

describe('SCIM mapping and Retry-After parsing', () => {
  it('reads Entra-style "False" strings as booleans and the primary email', () => {
    const a = fromScimUser({ id: '1', userName: 'x', active: 'False', emails: [{ value: 'b@x', type: 'home' }, { value: 'a@x', primary: true }] }, []);
    expect(a.active).toBe(false);
    expect(a.attributes.mail).toBe('a@x');
  });

  it('parses Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('5')).toBe(5000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now)).toBe(10000);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
