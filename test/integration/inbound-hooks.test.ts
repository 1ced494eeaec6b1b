// Event hooks over real HTTP against the daemon started in-process (SQLite, the running Redis, the
// LDAP frontend) with okta, entra and bamboohr sources on their fakes: each hook makes idsync read
// the person again from the vendor's fake and commit it (the leaver's bind refused), Graph's
// subscription is created through the fake's validation handshake, and every hostile request is
// refused with a one-line 4xx, counted, and changes nothing.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, type Daemon } from '../../src/main';
import { silentLogger } from '../../src/ports/logger';
import { deletePrefix } from '../../src/redis/keys';
import { openCredentialStore } from '../../src/storage/credentials';
import type { CredentialStore } from '../../src/ports/credential-store';
import { bindCode, setPassword } from '../helpers/ldap-bind';
import { until } from '../helpers/process';
import { startOktaFake, type OktaFake } from '../fakes/okta';
import { startGraphDeltaFake, type GraphDeltaFake } from '../fakes/graph-delta';
import { startBambooFake, type BambooFake } from '../fakes/bamboohr';
import { bambooEmployee, bambooSignature, nowSeconds, oktaEvent } from '../helpers/vendor-people';

const OKTA_SECRET = `okta-hook-${randomUUID()}`;
const CLIENT_STATE = `state-${randomUUID()}`;
const PRIVATE_KEY = randomBytes(32).toString('hex');
const PASSWORD = 'Correct-Horse-9';

let daemon: Daemon;
let credentials: CredentialStore;
let okta: OktaFake;
let graph: GraphDeltaFake;
let bamboo: BambooFake;
let base: string;
let prefix: string;

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

function addOktaUser(first: string, employeeNumber: string): string {
  const id = `00u${randomBytes(8).toString('hex')}`;
  const stamp = new Date().toISOString();
  const login = `${first}.okta@example.com`.toLowerCase();
  okta.users.set(id, { id, status: 'ACTIVE', created: stamp, lastUpdated: stamp, profile: { firstName: first, lastName: 'Okta', email: login, login, employeeNumber, department: 'Engineering', title: 'Engineer', displayName: `${first} Okta` } });
  return id;
}

beforeAll(async () => {
  okta = await startOktaFake();
  graph = await startGraphDeltaFake();
  bamboo = await startBambooFake();
  const dir = mkdtempSync(join(tmpdir(), 'idsync-hooks-'));
  prefix = `idsync-test-hooks-${randomUUID()}`;
  writeFileSync(join(dir, 'okta-hook.secret'), `${OKTA_SECRET}\n`);
  const port = await freePort();
  const config = join(dir, 'idsync.yaml');
  writeFileSync(config, [
    `store: { kind: sqlite, path: ${join(dir, 'idsync.db')} }`,
    `redis: { url: redis://127.0.0.1:6379, prefix: ${prefix} }`,
    'sources:',
    `  - { name: okta, kind: okta, schedule: "0 0 1 1 *", url: "${okta.url}", token: "${okta.token}", hook: { secretFile: ${join(dir, 'okta-hook.secret')} } }`,
    `  - { name: entra, kind: entra, schedule: "0 0 1 1 *", tenantId: ${graph.tenantId}, clientId: ${graph.clientId}, clientSecret: ${graph.clientSecret}, authorityUrl: "${graph.authorityUrl}", graphUrl: "${graph.graphUrl}",`,
    `      hook: { publicUrl: "http://127.0.0.1:${port}/hooks/entra", clientState: ${CLIENT_STATE} } }`,
    `  - { name: bamboo, kind: bamboohr, schedule: "0 0 1 1 *", url: "${bamboo.url}", apiKey: ${bamboo.apiKey}, hook: { privateKey: ${PRIVATE_KEY} } }`,
    'targets:',
    '  - { name: app, kind: fake }',
    'ldap:',
    '  baseDN: dc=example,dc=com',
    '  listen: [ "ldap://127.0.0.1:0" ]',
    'inbound:',
    `  listen: tcp://127.0.0.1:${port}`,
    '  limits: { maxBodyBytes: 65536 }',
  ].join('\n'));
  daemon = await startDaemon(config, { log: silentLogger, initialSync: false });
  credentials = await openCredentialStore(daemon.loaded.config, dir);
  base = daemon.inbound!.address.replace(/^tcp:/, 'http:');
});

afterAll(async () => {
  await credentials?.close();
  if (daemon) {
    await deletePrefix(daemon.redis.client, prefix);
    expect(await daemon.close()).toEqual([]);
  }
  await Promise.all([okta?.close(), graph?.close(), bamboo?.close()]);
});

async function identityOf(source: string, id: string) {
  const record = await daemon.store.getSourceRecord(source, id);
  return record?.identityId ? daemon.store.getIdentity({ by: 'id', value: record.identityId }) : null;
}

/** Syncs the source once so the person exists, gives them a password and checks they can bind. */
async function boundPerson(source: string, id: string): Promise<string> {
  const outcome = await daemon.engine.runSource(source);
  expect(outcome.ran).toBe(true);
  const identity = (await identityOf(source, id))!;
  expect(identity.state).toBe('active');
  await setPassword(credentials, identity.username, PASSWORD);
  const dn = `uid=${identity.username},ou=people,dc=example,dc=com`;
  await until(async () => ((await bindCode(daemon.ldapAddresses[0], dn, PASSWORD)) === 0 ? true : undefined), 10_000);
  return dn;
}

async function post(path: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await res.text();
  return { status: res.status, text, type: res.headers.get('content-type') ?? '' };
}

const bambooSign = (body: string, ts: string, key = PRIVATE_KEY) => bambooSignature(key, body, ts);

describe('Okta Event Hooks at /hooks/<okta source>', () => {
  it('answers the one-time verification GET without a secret', async () => {
    const res = await fetch(`${base}/hooks/okta`, { headers: { 'x-okta-verification-challenge': 'a-challenge-value' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ verification: 'a-challenge-value' });
  });

  it('re-reads a deactivated user from Okta on the event: terminated and the bind refused before the 200', async () => {
    const id = addOktaUser('Ophelia', 'O1');
    const dn = await boundPerson('okta', id);
    const user = okta.users.get(id)!;
    user.status = 'DEPROVISIONED';
    user.lastUpdated = new Date().toISOString();
    const [polled] = await daemon.store.listRuns({ source: 'okta', status: ['applied'], limit: 1 });
    const res = await post('/hooks/okta', oktaEvent(id), { authorization: OKTA_SECRET });
    expect(res.status).toBe(200);
    expect((await identityOf('okta', id))!.state).toBe('terminated');
    // the hook's run keeps the polled watermark, so the next scheduled run stays incremental
    const [pushed] = await daemon.store.listRuns({ source: 'okta', status: ['applied'], limit: 1 });
    expect(pushed.id).not.toBe(polled.id);
    expect(polled.watermark).toEqual(expect.any(String));
    expect(pushed.watermark).toBe(polled.watermark);
    expect(await bindCode(daemon.ldapAddresses[0], dn, PASSWORD)).toBe(49);
    expect(okta.server.log.some((r) => r.method === 'GET' && r.path === `/api/v1/users/${id}`)).toBe(true);
  });

  it('answers 503 when Okta cannot be read, changes nothing, and takes Okta\'s retry of the same event', async () => {
    const id = addOktaUser('Olga', 'O3');
    await boundPerson('okta', id);
    okta.users.get(id)!.status = 'DEPROVISIONED';
    const event = oktaEvent(id);
    okta.inject(403);
    const failed = await post('/hooks/okta', event, { authorization: OKTA_SECRET });
    expect(failed.status).toBe(503);
    expect((await identityOf('okta', id))!.state).toBe('active');
    const retried = await post('/hooks/okta', event, { authorization: OKTA_SECRET });
    expect(retried.status).toBe(200);
    expect((await identityOf('okta', id))!.state).toBe('terminated');
  });

  it('takes nothing from the body: an event about an active user leaves them active', async () => {
    const id = addOktaUser('Oscar', 'O2');
    await boundPerson('okta', id);
    const res = await post('/hooks/okta', oktaEvent(id), { authorization: OKTA_SECRET });
    expect(res.status).toBe(200);
    expect((await identityOf('okta', id))!.state).toBe('active');
  });
});

describe('Microsoft Graph change notifications at /hooks/<entra source>', () => {
  it('has a subscription on users created by idsync through the validation handshake', async () => {
    await until(() => (graph.subscriptions.size ? true : undefined), 10_000);
    const [sub] = [...graph.subscriptions.values()];
    expect(sub).toMatchObject({ resource: 'users', changeType: 'updated,deleted', clientState: CLIENT_STATE, notificationUrl: `${base}/hooks/entra` });
    expect(Date.parse(sub.expirationDateTime) - Date.now()).toBeGreaterThan(28 * 24 * 3600_000);
  });

  it('echoes validationToken as text/plain', async () => {
    const res = await post('/hooks/entra?validationToken=Validation%3A%20abc', '', { 'content-type': 'text/plain' });
    expect(res).toMatchObject({ status: 200, text: 'Validation: abc' });
    expect(res.type).toMatch(/^text\/plain/);
  });

  it('re-reads a user from Graph on the notifications Graph sends: disabled is suspended, deleted is terminated, the bind refused', async () => {
    await until(() => (graph.subscriptions.size ? true : undefined), 10_000);
    const id = graph.addUser({ givenName: 'Erin', surname: 'Entra', displayName: 'Erin Entra', mail: 'erin@contoso.test', userPrincipalName: 'erin@contoso.test', employeeId: 'N1' });
    const dn = await boundPerson('entra', id);
    graph.updateUser(id, { accountEnabled: false });
    expect(await graph.notify(id, 'updated')).toEqual([202]);
    expect((await identityOf('entra', id))!.state).toBe('suspended');
    expect(await bindCode(daemon.ldapAddresses[0], dn, PASSWORD)).toBe(49);
    graph.softDelete(id);
    expect(await graph.notify(id, 'deleted')).toEqual([202]);
    expect((await identityOf('entra', id))!.state).toBe('terminated');
    expect(await bindCode(daemon.ldapAddresses[0], dn, PASSWORD)).toBe(49);
  });
});

describe('BambooHR webhooks at /hooks/<bamboohr source>', () => {
  it('re-reads a terminated employee from BambooHR on the signed webhook: terminated and the bind refused', async () => {
    bamboo.put(bambooEmployee(501));
    const dn = await boundPerson('bamboo', '501');
    bamboo.put(bambooEmployee(501, { status: 'Inactive', employmentHistoryStatus: 'Terminated', terminationDate: '2025-11-30' }));
    const body = JSON.stringify({ employees: [{ id: '501', action: 'Updated', timestamp: new Date().toISOString(), fields: { status: { value: 'Inactive' } }, changedFields: ['status'] }] });
    const ts = nowSeconds();
    const res = await post('/hooks/bamboo', body, { 'x-bamboohr-timestamp': ts, 'x-bamboohr-signature': bambooSign(body, ts) });
    expect(res.status).toBe(200);
    expect((await identityOf('bamboo', '501'))!.state).toBe('terminated');
    expect(await bindCode(daemon.ldapAddresses[0], dn, PASSWORD)).toBe(49);
  });
});

describe('hostile requests to /hooks are refused, counted, and change nothing', () => {
  let victimOkta: string;
  let victimBamboo: string;
  beforeAll(async () => {
    victimOkta = addOktaUser('Victor', 'O9');
    await daemon.engine.runSource('okta');
    bamboo.put(bambooEmployee(909));
    victimBamboo = '909';
    await daemon.engine.runSource('bamboo');
    // the vendor says they are gone: any request that got through would terminate them
    okta.users.get(victimOkta)!.status = 'DEPROVISIONED';
    bamboo.put(bambooEmployee(909, { status: 'Inactive', employmentHistoryStatus: 'Terminated', terminationDate: '2025-11-30' }));
  });

  const bambooBody = () => JSON.stringify({ employees: [{ id: victimBamboo, action: 'Updated' }] });
  const replayedOkta = { uuid: randomUUID() };
  const replayedBamboo = { body: '', ts: '', sig: '' };

  const cases: [string, () => Promise<{ status: number; text: string }>, number, string, string][] = [
    ['okta: no secret', () => post('/hooks/okta', oktaEvent(victimOkta)), 401, 'no_secret', 'okta'],
    ['okta: wrong secret', () => post('/hooks/okta', oktaEvent(victimOkta), { authorization: `${OKTA_SECRET}x` }), 401, 'wrong_secret', 'okta'],
    ['okta: malformed JSON', () => post('/hooks/okta', '{"data": {"events": [', { authorization: OKTA_SECRET }), 400, 'malformed_json', 'okta'],
    ['okta: wrong shape', () => post('/hooks/okta', JSON.stringify({ data: { events: [{ uuid: 1 }] } }), { authorization: OKTA_SECRET }), 400, 'malformed_body', 'okta'],
    ['okta: event published 10 minutes ago', () => post('/hooks/okta', oktaEvent(victimOkta, randomUUID(), new Date(Date.now() - 600_000).toISOString()), { authorization: OKTA_SECRET }), 400, 'stale_timestamp', 'okta'],
    ['okta: verification GET without a challenge', async () => { const r = await fetch(`${base}/hooks/okta`); return { status: r.status, text: await r.text() }; }, 400, 'no_challenge', 'okta'],
    ['entra: wrong clientState', () => post('/hooks/entra', JSON.stringify({ value: [{ changeType: 'updated', clientState: 'guess-guess-guess', resource: 'Users/x', resourceData: { id: 'x' } }] })), 401, 'wrong_client_state', 'entra'],
    ['entra: no clientState', () => post('/hooks/entra', JSON.stringify({ value: [{ changeType: 'updated', resource: 'Users/x' }] })), 401, 'no_client_state', 'entra'],
    ['entra: malformed JSON', () => post('/hooks/entra', 'not json'), 400, 'malformed_json', 'entra'],
    ['bamboohr: unsigned', () => post('/hooks/bamboo', bambooBody()), 401, 'unsigned', 'bamboo'],
    ['bamboohr: bad signature', () => { const ts = nowSeconds(); return post('/hooks/bamboo', bambooBody(), { 'x-bamboohr-timestamp': ts, 'x-bamboohr-signature': bambooSign(bambooBody(), ts, 'another-key') }); }, 401, 'bad_signature', 'bamboo'],
    ['bamboohr: body changed after signing', () => { const ts = nowSeconds(); return post('/hooks/bamboo', bambooBody().replace(victimBamboo, '1'), { 'x-bamboohr-timestamp': ts, 'x-bamboohr-signature': bambooSign(bambooBody(), ts) }); }, 401, 'bad_signature', 'bamboo'],
    ['bamboohr: timestamp 10 minutes old, correctly signed', () => { const ts = String(Math.floor(Date.now() / 1000) - 600); return post('/hooks/bamboo', bambooBody(), { 'x-bamboohr-timestamp': ts, 'x-bamboohr-signature': bambooSign(bambooBody(), ts) }); }, 401, 'stale_timestamp', 'bamboo'],
    ['bamboohr: signed malformed JSON', () => { const ts = nowSeconds(); return post('/hooks/bamboo', '{"employees":', { 'x-bamboohr-timestamp': ts, 'x-bamboohr-signature': bambooSign('{"employees":', ts) }); }, 400, 'malformed_json', 'bamboo'],
    ['okta: more people than one delivery may name', () => post('/hooks/okta', JSON.stringify({ data: { events: [{ uuid: randomUUID(), published: new Date().toISOString(), eventType: 'user.lifecycle.deactivate', target: Array.from({ length: 501 }, (_, i) => ({ id: `00u${i}`, type: 'User' })) }] } }), { authorization: OKTA_SECRET }), 400, 'too_many', 'okta'],
    ['entra: a resource that is not a user', () => post('/hooks/entra', JSON.stringify({ value: [{ changeType: 'updated', clientState: CLIENT_STATE, resource: 'Groups/g1', resourceData: { id: 'g1' } }] })), 400, 'malformed_body', 'entra'],
    ['unknown source', () => post('/hooks/nobody', oktaEvent(victimOkta), { authorization: OKTA_SECRET }), 404, 'unknown_source', 'unknown'],
    ['oversized body', () => post('/hooks/okta', JSON.stringify({ pad: 'x'.repeat(70_000) }), { authorization: OKTA_SECRET }), 413, 'body_too_large', 'okta'],
  ];

  it.each(cases)('%s', async (_name, send, status, reason, source) => {
    const metrics = daemon.inbound!.metrics;
    const before = metrics.rejectedTotal({ source, status, reason });
    const res = await send();
    expect(res.status).toBe(status);
    expect(res.text.split('\n')).toHaveLength(1);
    expect(JSON.parse(res.text).error).toEqual(expect.any(String));
    expect(metrics.rejectedTotal({ source, status, reason })).toBe(before + 1);
    expect((await identityOf('okta', victimOkta))!.state).toBe('active');
    expect((await identityOf('bamboo', victimBamboo))!.state).toBe('active');
  });

  it('refuses a replayed Okta event id and a replayed BambooHR delivery', async () => {
    const metrics = daemon.inbound!.metrics;
    const other = addOktaUser('Rita', 'O10');
    await daemon.engine.runSource('okta');
    const first = await post('/hooks/okta', oktaEvent(other, replayedOkta.uuid), { authorization: OKTA_SECRET });
    expect(first.status).toBe(200);
    // the same event id again, now naming the victim: refused
    const before = metrics.rejectedTotal({ source: 'okta', status: 409, reason: 'replayed' });
    const again = await post('/hooks/okta', oktaEvent(victimOkta, replayedOkta.uuid), { authorization: OKTA_SECRET });
    expect(again.status).toBe(409);
    expect(metrics.rejectedTotal({ source: 'okta', status: 409, reason: 'replayed' })).toBe(before + 1);
    expect((await identityOf('okta', victimOkta))!.state).toBe('active');

    bamboo.put(bambooEmployee(910));
    await daemon.engine.runSource('bamboo');
    replayedBamboo.body = JSON.stringify({ employees: [{ id: '910', action: 'Updated' }] });
    replayedBamboo.ts = nowSeconds();
    replayedBamboo.sig = bambooSign(replayedBamboo.body, replayedBamboo.ts);
    const headers = { 'x-bamboohr-timestamp': replayedBamboo.ts, 'x-bamboohr-signature': replayedBamboo.sig };
    expect((await post('/hooks/bamboo', replayedBamboo.body, headers)).status).toBe(200);
    const replay = await post('/hooks/bamboo', replayedBamboo.body, headers);
    expect(replay.status).toBe(409);
    expect(JSON.parse(replay.text).error).toMatch(/received already/);
  });
});
