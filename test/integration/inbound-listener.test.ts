// The inbound listener itself, over real sockets: HTTPS with the certificate re-read on reload
// (what SIGHUP calls), a bad new pair keeping the old one, a unix socket, and the config section's
// errors named by field path.
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { startInboundServer, type RouteFamily, type InboundServer } from '../../src/inbound/server';
import { inboundSchema } from '../../src/inbound/config';
import { configSchema } from '../../src/config/schema';
import { InboundMetrics } from '../../src/observability/inbound-metrics';
import { silentLogger } from '../../src/ports/logger';
import { makeTestCerts } from '../fixtures/ldap/tls-certs';

const ping: RouteFamily = {
  prefix: '/hooks',
  knows: (s) => s === 'demo',
  register: (app) => app.get('/hooks/:source', async () => ({ ok: true })),
};

function start(cfg: Record<string, unknown>): Promise<InboundServer> {
  return startInboundServer(inboundSchema.parse(cfg), [ping], { log: silentLogger, metrics: new InboundMetrics() });
}

function httpsGet(port: number, ca: string): Promise<{ status: number; serial: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port, path: '/hooks/demo', ca, agent: false }, (res) => {
      const serial = (res.socket as TLSSocket).getPeerCertificate().serialNumber;
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, serial, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('inbound listener', () => {
  it('serves HTTPS and picks up a renewed certificate on reload; a bad pair keeps the old one', async () => {
    const certs = makeTestCerts();
    const ca = readFileSync(certs.caFile, 'utf8');
    const server = await start({ listen: 'tcp://127.0.0.1:0', tls: { certFile: certs.certFile, keyFile: certs.keyFile } });
    try {
      const port = Number(/:(\d+)$/.exec(server.address)![1]);
      expect(await httpsGet(port, ca)).toMatchObject({ status: 200, serial: '1001' });
      certs.reissue('2002');
      await server.reloadTls();
      expect((await httpsGet(port, ca)).serial).toBe('2002');
      const good = readFileSync(certs.certFile, 'utf8');
      writeFileSync(certs.certFile, 'not a certificate');
      await expect(server.reloadTls()).rejects.toThrow();
      writeFileSync(certs.certFile, good);
      expect((await httpsGet(port, ca)).serial).toBe('2002');
    } finally {
      await server.close();
    }
  });

  it('listens on a unix socket', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'idsync-in-')), 'in.sock');
    const server = await start({ listen: `unix:${path}` });
    try {
      expect(server.address).toBe(`unix:${path}`);
      const body = await new Promise<string>((resolve, reject) => {
        const req = httpRequest({ socketPath: path, path: '/hooks/demo' }, (res) => {
          let b = '';
          res.on('data', (c) => (b += c));
          res.on('end', () => resolve(b));
        });
        req.on('error', reject);
        req.end();
      });
      expect(JSON.parse(body)).toEqual({ ok: true });
    } finally {
      await server.close();
    }
  });

  it('names each configuration problem by its path', () => {
    const issues = (inbound: unknown) => {
      const r = configSchema.safeParse({ store: { kind: 'memory' }, inbound });
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(issues({ listen: 'http://0.0.0.0:8443' })).toEqual([expect.stringMatching(/^inbound\.listen: use tcp:\/\/HOST:PORT/)]);
    expect(issues({ listen: 'tcp://0.0.0.0:8443' })).toEqual([expect.stringMatching(/^inbound\.tls: listening on 0\.0\.0\.0 needs tls\.certFile/)]);
    expect(issues({ listen: 'tcp://127.0.0.1:8443', tls: { certFile: '/c' } })).toEqual([expect.stringMatching(/^inbound\.tls\.keyFile: /)]);
    expect(issues({ listen: 'tcp://127.0.0.1:8443', limits: { burst: 0 } })).toEqual([expect.stringMatching(/^inbound\.limits\.burst: /)]);
    expect(issues({ listen: 'tcp://127.0.0.1:8443', tsl: {} })).toEqual([expect.stringMatching(/^inbound: .*tsl/)]);
    expect(issues({ listen: 'unix:/run/idsync/in.sock', tls: { certFile: '/c', keyFile: '/k' } })).toEqual([expect.stringMatching(/^inbound\.tls: a unix socket listener takes no tls/)]);
    expect(issues({ listen: 'tcp://[::1]:8443' })).toEqual([]);
  });

  it('refuses a scim source without an inbound section, and a short token, by path', () => {
    const r = configSchema.safeParse({ store: { kind: 'memory' }, sources: [{ name: 'idp', kind: 'scim', token: 'short' }] });
    expect(r.success).toBe(false);
    const found = r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(found).toEqual([expect.stringMatching(/^sources\.0\.token: the SCIM token must be at least 16/)]);
    const notAuthoritative = configSchema.safeParse({ store: { kind: 'memory' }, sources: [{ name: 'idp', kind: 'scim', token: 'a-long-enough-token-123', authoritative: false }] });
    expect(notAuthoritative.success ? [] : notAuthoritative.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([expect.stringMatching(/^sources\.0\.authoritative: a SCIM source is authoritative/)]);
    const noInbound = configSchema.safeParse({ store: { kind: 'memory' }, sources: [{ name: 'idp', kind: 'scim', token: 'a-long-enough-token-123' }] });
    expect(noInbound.success ? [] : noInbound.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([expect.stringMatching(/^sources\.0\.kind: source "idp" is pushed to over SCIM: add an inbound: section/)]);
  });
});
