// The console core on a fastify instance with fake deps (no browser): what a page module gets from
// the PageKit — roles enforced per route, CSRF checked before the route runs, the actor taken from
// the session and never from the request.
import Fastify, { type FastifyInstance } from 'fastify';
import { consoleSchema } from '../../src/admin/config';
import { registerConsole, type ConsolePerson, type PageModule } from '../../src/console';
import { html } from '../../src/console/html';
import { ManualClock } from '../../src/ports/clock';
import { silentLogger } from '../../src/ports/logger';
import { MemoryFailureCounter } from '../../src/ldap/auth/memory-failure-counter';
import type { AuditDraft } from '../../src/domain/types';

const people = new Map<string, ConsolePerson>();
const add = (username: string, groups: string[]) =>
  people.set(username, { identityId: `id-${username}`, username, displayName: username.toUpperCase(), state: 'active', dn: `uid=${username}`, groups, managesActivePeople: false });

const allowed: string[] = [];
const opsModule: PageModule = (app, kit) => {
  app.get('/ops/runs', { preHandler: kit.require('operator') }, async (req, reply) => reply.type('text/html').send(kit.page(req, { title: 'Runs', body: html`<form method="post">${kit.csrfField(req)}</form>` })));
  app.post('/ops/runs/:id/allow', { preHandler: kit.require('operator') }, async (req) => {
    allowed.push(`${(req.params as { id: string }).id} by ${kit.actor(req).id}`);
    return { ok: true };
  });
};

interface Answer {
  statusCode: number;
  headers: Record<string, string | undefined>;
  setCookies: string[];
  body: string;
}

describe('the console core with a page module', () => {
  let app: FastifyInstance;
  let base: string;
  // over a real loopback socket: fastify's inject() needs an ESM-only cookie package jest cannot load
  const request = async (o: { method: string; url: string; headers?: Record<string, string>; payload?: unknown }): Promise<Answer> => {
    const headers = { ...(o.headers ?? {}) };
    let body: string | undefined;
    if (o.payload !== undefined) {
      body = typeof o.payload === 'string' ? o.payload : JSON.stringify(o.payload);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${base}${o.url}`, { method: o.method, headers, body, redirect: 'manual' });
    return { statusCode: res.status, headers: Object.fromEntries(res.headers), setCookies: res.headers.getSetCookie(), body: await res.text() };
  };
  const audit: AuditDraft[] = [];
  const clock = new ManualClock();

  beforeAll(async () => {
    add('hana', ['helpdesk']);
    add('otto', ['idsync-operators']);
    app = Fastify();
    const config = consoleSchema.parse({ roles: { helpdesk: ['helpdesk'], operator: ['idsync-operators'] } });
    await app.register(async (c) => {
      registerConsole(
        c,
        {
          config,
          directory: { person: (u) => people.get(u.toLowerCase()) },
          passwords: { totpEnrolled: async () => false, verify: async ({ username, password }) => (people.has(username) && password === 'pw' ? { ok: true } : { ok: false, reason: 'wrong password' }) },
          audit: { record: async (drafts) => void audit.push(...drafts) },
          failures: new MemoryFailureCounter(clock),
          clock,
          log: silentLogger,
        },
        [opsModule],
      );
    });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => app.close());

  async function signIn(username: string): Promise<{ cookie: string; csrf: string }> {
    const form = await request({ method: 'GET', url: '/sign-in' });
    const signInCookie = form.setCookies[0]!.split(';')[0]!;
    const token = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
    const res = await request({ method: 'POST', url: '/sign-in', headers: { cookie: signInCookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ _csrf: token, username, password: 'pw', next: '/ops/runs' }).toString() });
    expect(res.statusCode).toBe(303);
    const cookie = res.setCookies.find((c) => c.startsWith('idsync_session='))!.split(';')[0]!;
    const page = await request({ method: 'GET', url: '/', headers: { cookie } });
    return { cookie, csrf: /<meta name="csrf-token" content="([^"]+)">/.exec(page.body)![1]! };
  }

  it('lets an operator in and keeps a helpdesk agent out: the page 403, the action 403', async () => {
    const otto = await signIn('otto');
    expect((await request({ method: 'GET', url: '/ops/runs', headers: { cookie: otto.cookie } })).statusCode).toBe(200);
    const hana = await signIn('hana');
    const page = await request({ method: 'GET', url: '/ops/runs', headers: { cookie: hana.cookie, accept: 'text/html' } });
    expect(page.statusCode).toBe(403);
    expect(page.body).toContain('this needs the operator role; you have helpdesk');
    const post = await request({ method: 'POST', url: '/ops/runs/r1/allow', headers: { cookie: hana.cookie, 'x-csrf-token': hana.csrf }, payload: {} });
    expect(post.statusCode).toBe(403);
    expect(allowed).toEqual([]);
  });

  it('checks the CSRF token before the route runs, and audits the session holder, not a name in the body', async () => {
    const otto = await signIn('otto');
    const none = await request({ method: 'POST', url: '/ops/runs/r2/allow', headers: { cookie: otto.cookie }, payload: { actor: 'mallory' } });
    expect(none.statusCode).toBe(403);
    const form = await request({ method: 'POST', url: '/ops/runs/r3/allow', headers: { cookie: otto.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${otto.csrf}&actor=mallory` });
    expect(form.statusCode).toBe(200);
    expect(allowed).toEqual(['r3 by otto']);
    expect(audit.filter((a) => a.action === 'console.sign-in').map((a) => a.actor)).toContainEqual({ kind: 'helpdesk', id: 'otto' });
  });

  it('sends a page without a session to the sign-in page and answers an action 401', async () => {
    const page = await request({ method: 'GET', url: '/ops/runs?x=1' });
    expect([page.statusCode, page.headers.location]).toEqual([303, '/sign-in?next=%2Fops%2Fruns%3Fx%3D1']);
    expect((await request({ method: 'POST', url: '/ops/runs/r4/allow', payload: {} })).statusCode).toBe(401);
  });

  it('sends every console answer with a strict content security policy', async () => {
    const res = await request({ method: 'GET', url: '/sign-in' });
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['x-frame-options']).toBe('DENY');
  });
});
