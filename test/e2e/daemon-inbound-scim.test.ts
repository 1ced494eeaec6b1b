// The built daemon as an operator runs it: inbound SCIM over TLS, the certificate renewed with
// SIGHUP, an Entra-shaped create and delete, the person gone from LDAP once the delete is
// answered, and hostile requests that leave the process serving.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { freePort } from '../helpers/slapd';
import { workspace } from '../helpers/cli';
import { IDSYNC_BIN as BIN, stopChild, until } from '../helpers/process';
import { fill, fixture, type RecordedRequest } from '../helpers/scim-fixtures';
import { makeTestCerts } from '../fixtures/ldap/tls-certs';
import { deletePrefix } from '../../src/redis/keys';

const run = promisify(execFile);
const TOKEN = `entra-${randomUUID()}`;

interface Answer { status: number; serial: string; json: any }

function send(port: number, ca: string, req: RecordedRequest, token: string | null = TOKEN): Promise<Answer> {
  const body = req.body === undefined ? undefined : JSON.stringify(req.body);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...req.headers, ...(token ? { Authorization: `Bearer ${token}` } : {}) };
    const r = request({ host: '127.0.0.1', port, method: req.method, path: `/scim/v2/entra${req.path}`, ca, agent: false, headers }, (res) => {
      const serial = (res.socket as TLSSocket).getPeerCertificate().serialNumber;
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, serial, json: text ? JSON.parse(text) : null }));
    });
    r.on('error', reject);
    r.end(body);
  });
}

describe('the daemon takes pushed SCIM changes', () => {
  let child: ChildProcess;
  afterEach(() => stopChild(child));

  it('serves inbound SCIM over TLS, reloads the certificate on SIGHUP, and a DELETE removes the person from LDAP', async () => {
    const [ldapPort, inPort] = [await freePort(), await freePort()];
    const ldapUrl = `ldap://127.0.0.1:${ldapPort}`;
    const certs = makeTestCerts();
    const ca = readFileSync(certs.caFile, 'utf8');
    const ws = workspace();
    ws.writeCsv([{ id: 'E1', first: 'Grace', last: 'Hopper' }]);
    writeFileSync(ws.config, [
      `store: { kind: sqlite, path: ${join(ws.dir, 'idsync.db')} }`,
      `redis: { url: redis://127.0.0.1:6379, prefix: ${ws.prefix} }`,
      'sources:',
      `  - { name: hr, kind: csv, path: ${ws.csv}, settleSeconds: 0 }`,
      `  - { name: entra, kind: scim, token: ${TOKEN} }`,
      'ldap:',
      '  baseDN: dc=example,dc=com',
      `  listen: [ "${ldapUrl}" ]`,
      '  serviceAccounts: [ { name: app, password: app-secret } ]',
      'inbound:',
      `  listen: tcp://127.0.0.1:${inPort}`,
      `  tls: { certFile: ${certs.certFile}, keyFile: ${certs.keyFile} }`,
    ].join('\n'));

    child = spawn(process.execPath, [BIN, 'run', '--config', ws.config], { stdio: 'ignore' });
    const probe = await until(async () => send(inPort, ca, fixture('entra-get-user-by-username')), 20000, { retryOnError: true });
    expect(probe).toMatchObject({ status: 200, serial: '1001', json: { totalResults: 0 } });

    certs.reissue('2002');
    child.kill('SIGHUP');
    const renewed = await until(async () => {
      const a = await send(inPort, ca, fixture('entra-get-user-by-username'));
      return a.serial === '2002' ? a : undefined;
    }, 10000, { retryOnError: true });
    expect(renewed.status).toBe(200);

    const create = fixture('entra-create-user') as RecordedRequest & { body: any };
    create.body.name = { givenName: 'Ada', familyName: 'Lovelace' };
    const created = await send(inPort, ca, create);
    expect(created.status).toBe(201);
    const search = async (uid: string) => (await run('ldapsearch', ['-x', '-LLL', '-H', ldapUrl, '-D', 'cn=app,ou=services,dc=example,dc=com', '-w', 'app-secret', '-b', 'dc=example,dc=com', `(uid=${uid})`, 'uid'])).stdout;
    expect(await search('alovelace')).toContain('uid: alovelace');

    // hostile requests: refused, and the process keeps serving
    expect((await send(inPort, ca, fixture('entra-get-user-by-username'), null)).status).toBe(401);
    const malformed = { method: 'POST', path: '/Users', headers: { 'Content-Type': 'application/scim+json' } } as RecordedRequest;
    expect((await sendRaw(inPort, ca, malformed, '{"schemas":')).status).toBe(400);

    const deleted = await send(inPort, ca, fill(fixture('entra-delete-user'), { id: created.json.id }));
    expect(deleted.status).toBe(204);
    expect((await search('alovelace')).trim()).toBe('');
    expect(await search('ghopper')).toContain('uid: ghopper');
    expect(child.exitCode).toBeNull();

    const redis = new Redis('redis://127.0.0.1:6379');
    await deletePrefix(redis, ws.prefix);
    await redis.quit();
  });
});

function sendRaw(port: number, ca: string, req: RecordedRequest, body: string): Promise<{ status: number }> {
  return new Promise((resolve, reject) => {
    const r = request({ host: '127.0.0.1', port, method: req.method, path: `/scim/v2/entra${req.path}`, ca, agent: false, headers: { ...req.headers, Authorization: `Bearer ${TOKEN}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode! }));
    });
    r.on('error', reject);
    r.end(body);
  });
}
