// The built daemon told about a leaver by the vendor's event hook: Okta's event hook, BambooHR's
// signed webhook and a Graph change notification (on the subscription the daemon creates at start
// through Graph's validation handshake). The source's schedule never fires during the test, so
// only the hook can make idsync read the person again: after the delivery their LDAP bind is
// refused, a delivery that fails authentication changes nothing, and the daemon keeps serving.
import type { ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { deletePrefix } from '../../src/redis/keys';
import { startOktaFake, type OktaFake } from '../fakes/okta';
import { startBambooFake, type BambooFake } from '../fakes/bamboohr';
import { startGraphDeltaFake, type GraphDeltaFake } from '../fakes/graph-delta';
import { startScimServer, type ScimServer } from '../fakes/scim-server';
import { makeTestCerts } from '../fixtures/ldap/tls-certs';
import { stopChild, until } from '../helpers/process';
import { freePort } from '../helpers/slapd';
import { directorySite, ldapsearch, setPassword, startDaemon, whoami, type DirectorySite } from '../helpers/directory-site';
import { addOktaUser, bambooEmployee, bambooSignature, bambooTerminated, nowSeconds, oktaEvent, setOktaStatus } from '../helpers/vendor-people';

// once a year: the scheduled run cannot be what refuses a bind during the test
const NEVER = '0 0 1 1 *';
// the hook answers after the commit and the LDAP view in the usual case, but a re-read still
// running after 2 s is answered anyway and finishes in the background (README "Event hooks")
const AFTER_BACKGROUND_REREAD_MS = 15_000;

interface Reply { status: number; text: string }
interface Delivery { method?: string; path: string; headers?: Record<string, string>; body?: string }

/** One request to the daemon's inbound listener, over TLS when `ca` is given. */
function deliver(port: number, d: Delivery, ca?: string): Promise<Reply> {
  const send = ca ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const headers = { 'content-type': 'application/json', ...d.headers };
    const r = send({ host: '127.0.0.1', port, method: d.method ?? 'POST', path: d.path, headers, agent: false, ...(ca ? { ca } : {}) }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, text }));
    });
    r.on('error', reject);
    r.end(d.body);
  });
}

const inboundSection = (port: number, tls?: { certFile: string; keyFile: string }) => [
  'inbound:',
  `  listen: tcp://127.0.0.1:${port}`,
  ...(tls ? [`  tls: { certFile: ${tls.certFile}, keyFile: ${tls.keyFile} }`] : []),
];

async function refusedAfterHook(s: DirectorySite, uid: string): Promise<void> {
  await until(async () => ((await whoami(s.ldapUrl, uid)) === 49 ? true : undefined), AFTER_BACKGROUND_REREAD_MS);
}

describe('the daemon re-reads a leaver when the vendor calls its hook', () => {
  let scim: ScimServer;
  let child: ChildProcess | undefined;
  let prefix: string | undefined;
  const closers: (() => Promise<void>)[] = [];

  beforeEach(async () => {
    scim = await startScimServer();
  });
  afterEach(async () => {
    await stopChild(child);
    child = undefined;
    for (const close of closers.splice(0)) await close();
    await scim.close();
    if (prefix) {
      const redis = new Redis();
      await deletePrefix(redis, prefix);
      redis.disconnect();
    }
  });

  /** A site of one source on a schedule that never fires, started; resolves once `uids` can bind. */
  async function startSite(source: string, inbound: string[], uids: string[]): Promise<DirectorySite> {
    const s = await directorySite(source, scim, { schedule: NEVER, extra: inbound });
    prefix = s.prefix;
    child = startDaemon(s);
    // the daemon's first run at start brings everyone in
    await until(async () => {
      const out = `${await ldapsearch(s.ldapUrl, '(uid=*)', 'uid')}\n`;
      return uids.every((u) => out.includes(`uid: ${u}\n`)) ? true : undefined;
    }, 30_000, { retryOnError: true });
    for (const uid of uids) await setPassword(s.config, uid);
    for (const uid of uids) expect(await whoami(s.ldapUrl, uid)).toBe(0);
    return s;
  }

  it('okta: answers the verification GET, and a deactivate event makes the person\'s bind refused', async () => {
    const okta: OktaFake = await startOktaFake();
    closers.push(() => okta.close());
    const secret = `okta-hook-${randomUUID()}`;
    const secretFile = join(mkdtempSync(join(tmpdir(), 'idsync-e2e-hook-')), 'okta-hook.secret');
    writeFileSync(secretFile, `${secret}\n`, { mode: 0o600 });
    const certs = makeTestCerts();
    const ca = readFileSync(certs.caFile, 'utf8');
    const port = await freePort();
    const grace = addOktaUser(okta, 'Grace', 'Hopper', 'E1');
    addOktaUser(okta, 'Ada', 'Lovelace', 'E2');
    addOktaUser(okta, 'Alan', 'Turing', 'E3');
    const source = `name: okta, kind: okta, url: "${okta.url}", token: "${okta.token}", hook: { header: Authorization, secretFile: ${secretFile} }`;
    const s = await startSite(source, inboundSection(port, certs), ['ghopper', 'alovelace']);

    // the one-time verification Okta sends when the hook is created: no secret, the challenge echoed
    const verify = await deliver(port, { method: 'GET', path: '/hooks/okta', headers: { 'x-okta-verification-challenge': 'challenge-9f1c' } }, ca);
    expect(verify.status).toBe(200);
    expect(JSON.parse(verify.text)).toEqual({ verification: 'challenge-9f1c' });

    setOktaStatus(okta, grace, 'DEPROVISIONED');
    const forged = await deliver(port, { path: '/hooks/okta', headers: { authorization: `${secret}-guess` }, body: oktaEvent(grace) }, ca);
    expect(forged.status).toBe(401);
    expect(await whoami(s.ldapUrl, 'ghopper')).toBe(0);

    const hook = await deliver(port, { path: '/hooks/okta', headers: { authorization: secret }, body: oktaEvent(grace) }, ca);
    expect(hook.status).toBe(200);
    await refusedAfterHook(s, 'ghopper');
    expect(okta.server.log.some((r) => r.method === 'GET' && r.path === `/api/v1/users/${grace}`)).toBe(true);
    expect(await whoami(s.ldapUrl, 'alovelace')).toBe(0);
    expect(child!.exitCode).toBeNull();
  }, 120_000);

  it('bamboohr: a signed webhook makes a terminated person\'s bind refused; unsigned and badly signed ones change nothing', async () => {
    const bamboo: BambooFake = await startBambooFake();
    closers.push(() => bamboo.close());
    const privateKey = randomBytes(32).toString('hex');
    const certs = makeTestCerts();
    const ca = readFileSync(certs.caFile, 'utf8');
    const port = await freePort();
    bamboo.put(bambooEmployee(501, { firstName: 'Grace', lastName: 'Hopper' }));
    bamboo.put(bambooEmployee(502, { firstName: 'Ada', lastName: 'Lovelace' }));
    bamboo.put(bambooEmployee(503, { firstName: 'Alan', lastName: 'Turing' }));
    const source = `name: bamboo, kind: bamboohr, url: "${bamboo.url}", apiKey: ${bamboo.apiKey}, hook: { privateKey: ${privateKey} }`;
    const s = await startSite(source, inboundSection(port, certs), ['ghopper', 'alovelace']);

    bamboo.put({ ...bambooTerminated(501), firstName: 'Grace', lastName: 'Hopper' });
    const body = JSON.stringify({ employees: [{ id: '501', action: 'Updated', timestamp: new Date().toISOString(), fields: { status: { value: 'Inactive' } }, changedFields: ['status'] }] });
    const unsigned = await deliver(port, { path: '/hooks/bamboo', body }, ca);
    expect(unsigned.status).toBe(401);
    const ts = nowSeconds();
    const badlySigned = await deliver(port, { path: '/hooks/bamboo', headers: { 'x-bamboohr-timestamp': ts, 'x-bamboohr-signature': bambooSignature(`${privateKey}x`, body, ts) }, body }, ca);
    expect(badlySigned.status).toBe(401);
    expect(await whoami(s.ldapUrl, 'ghopper')).toBe(0);
    expect(child!.exitCode).toBeNull();

    const signed = await deliver(port, { path: '/hooks/bamboo', headers: { 'x-bamboohr-timestamp': ts, 'x-bamboohr-signature': bambooSignature(privateKey, body, ts) }, body }, ca);
    expect(signed.status).toBe(200);
    await refusedAfterHook(s, 'ghopper');
    expect(bamboo.reports.some((ids) => ids?.length === 1 && ids[0] === '501')).toBe(true);
    expect(await whoami(s.ldapUrl, 'alovelace')).toBe(0);
    expect(child!.exitCode).toBeNull();
  }, 120_000);

  it('entra: subscribes through the validation handshake at start, and a notification makes a disabled person\'s bind refused; a wrong clientState is refused', async () => {
    const graph: GraphDeltaFake = await startGraphDeltaFake({ pageSize: 5 });
    closers.push(() => graph.close());
    const clientState = `state-${randomUUID()}`;
    // plain http on the loopback (which the config allows for publicUrl): the fake delivers with
    // fetch, which cannot be given the test CA
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}/hooks/entra`;
    const person = (given: string, surname: string, employeeId: string) => {
      const mail = `${given}.${surname}@example.com`.toLowerCase();
      return graph.addUser({ givenName: given, surname, displayName: `${given} ${surname}`, mail, userPrincipalName: mail, employeeId, department: 'Engineering', jobTitle: 'Engineer' });
    };
    const grace = person('Grace', 'Hopper', 'E1');
    person('Ada', 'Lovelace', 'E2');
    person('Alan', 'Turing', 'E3');
    const source = `name: entra, kind: entra, tenantId: "${graph.tenantId}", clientId: "${graph.clientId}", clientSecret: "${graph.clientSecret}", authorityUrl: "${graph.authorityUrl}", graphUrl: "${graph.graphUrl}", hook: { publicUrl: "${publicUrl}", clientState: ${clientState} }`;
    const s = await startSite(source, inboundSection(port), ['ghopper', 'alovelace']);

    // the fake creates a subscription only after the daemon echoed its validationToken
    await until(() => (graph.subscriptions.size ? true : undefined), 30_000);
    expect([...graph.subscriptions.values()]).toEqual([expect.objectContaining({ resource: 'users', changeType: 'updated,deleted', notificationUrl: publicUrl, clientState })]);

    graph.updateUser(grace, { accountEnabled: false });
    const [sub] = [...graph.subscriptions.values()];
    const forged = { value: [{ subscriptionId: sub.id, changeType: 'updated', clientState: 'guess-guess-guess-guess', tenantId: graph.tenantId, resource: `Users/${grace}`, resourceData: { id: grace } }] };
    expect((await deliver(port, { path: '/hooks/entra', body: JSON.stringify(forged) })).status).toBe(401);
    expect(await whoami(s.ldapUrl, 'ghopper')).toBe(0);

    expect(await graph.notify(grace, 'updated')).toEqual([202]);
    await refusedAfterHook(s, 'ghopper');
    expect(await whoami(s.ldapUrl, 'alovelace')).toBe(0);
    expect(child!.exitCode).toBeNull();
  }, 120_000);
});
