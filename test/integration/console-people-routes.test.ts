// The helpdesk routes on fastify with a small PageKit of the test's own: who is signed in comes
// from a header, so roles, the actor of a resync and the job polling can be checked without the core.
// Requests go over a loopback socket (fastify's inject pulls in an ES module jest does not load).
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { ConsoleRole, PageKit } from '../../src/console/contract';
import { html } from '../../src/console/html';
import { peoplePages, type PeopleBackend } from '../../src/console/people';
import { ResyncJobs } from '../../src/services/helpdesk/resync-jobs';
import type { ResyncProgress, ResyncRequest, ResyncResult } from '../../src/services/provisioning/resync';
import type { PersonView } from '../../src/services/helpdesk/person-page';

function testKit(): PageKit {
  const who = (req: FastifyRequest) => {
    const [username, roles] = String(req.headers['x-test-user'] ?? '').split(':');
    return { identityId: `id-${username}`, username: username!, displayName: username!, roles: (roles ? roles.split(',') : []) as ConsoleRole[] };
  };
  return {
    require: (...roles) => async (req, reply) => {
      if (!req.headers['x-test-user']) return reply.code(401).send({ error: 'sign in' });
      if (roles.length && !who(req).roles.some((r) => roles.includes(r))) return reply.code(403).send({ error: 'forbidden' });
    },
    user: who,
    actor: (req) => ({ kind: 'helpdesk', id: who(req).username }),
    csrfField: () => html`<input type="hidden" name="_csrf" value="t">`,
    page: (_req, opts) => `<html>${html`<title>${opts.title}</title>`.text}${opts.body.text}${(opts.scripts ?? []).map((s) => `<script src="/console/assets/${s}"></script>`).join('')}</html>`,
  };
}

const PERSON: PersonView = {
  id: 'i1', username: 'alovelace', displayName: 'Ada <Lovelace>', employeeId: 'E100', mail: 'ada@example.com', state: 'active', stateChangedAt: 'then',
  stateHistory: [], attributes: [{ name: 'title', value: 'Lead', source: 'hr', externalId: '100', rule: 'precedence:hr' }],
  entitlements: [{ kind: 'account', name: 'wiki', values: [], rule: 'role:wiki-users' }],
  accounts: [{ target: 'wiki', status: 'failed', externalId: null, waiting: { pending: 0, failed: 1 }, lastChange: null, lastError: 'HTTP 400: bad email', updatedAt: null }],
  sourceGroups: [], links: [],
};

/** A resync the test moves step by step: plans known, then each target done. */
class SteppedResync {
  calls: ResyncRequest[] = [];
  private progress: ResyncProgress | null = null;
  private finish: ((r: ResyncResult) => void) | null = null;
  result: ResyncResult = { user: 'alovelace', identityId: 'i1', correlationId: 'resync:1', dryRun: false, sources: [{ source: 'hr', status: 'unchanged' }], targets: [] };
  run = (req: ResyncRequest, progress: ResyncProgress): Promise<ResyncResult> => {
    this.calls.push(req);
    this.progress = progress;
    return new Promise((resolve) => (this.finish = resolve));
  };
  planned(): void {
    this.result.targets = [
      { target: 'wiki', plan: ['~ update wiki alovelace', '~ title: Engineer -> Lead'], outcome: 'still queued' },
      { target: 'gitea', plan: ['+ create gitea alovelace'], outcome: 'still queued' },
    ];
    this.progress!(this.result);
  }
  outcome(target: string, outcome: 'applied' | 'failed', error?: string): void {
    Object.assign(this.result.targets.find((t) => t.target === target)!, { outcome, error });
    this.progress!(this.result);
  }
  done(): void {
    this.finish!(this.result);
  }
}

interface Answer {
  statusCode: number;
  body: string;
  headers: Record<string, string>;
  json(): any;
}

let base = '';
async function call(o: { method?: string; url: string; headers?: Record<string, string>; payload?: unknown }): Promise<Answer> {
  const headers = { ...(o.payload !== undefined ? { 'content-type': 'application/json' } : {}), ...(o.headers ?? {}) };
  const res = await fetch(base + o.url, { method: o.method ?? 'GET', headers, body: o.payload === undefined ? undefined : JSON.stringify(o.payload), redirect: 'manual' });
  const body = await res.text();
  return { statusCode: res.status, body, headers: Object.fromEntries(res.headers), json: () => JSON.parse(body) };
}

describe('helpdesk routes', () => {
  let app: FastifyInstance;
  let resync: SteppedResync;
  const helpdesk = { 'x-test-user': 'hana:helpdesk' };
  beforeEach(async () => {
    resync = new SteppedResync();
    const jobs = new ResyncJobs(resync.run);
    const backend: PeopleBackend = {
      search: async (q) => (q === 'ada' ? [{ username: 'alovelace', displayName: 'Ada Lovelace', state: 'active', employeeId: 'E100', mail: 'ada@example.com' }] : []),
      person: async (u) => (u === 'alovelace' ? PERSON : null),
      audit: async (u, page) => (u === 'alovelace' ? { page, pages: 3, total: 60, records: [{ seq: page, time: 't', actor: 'source hr', action: 'identity.update', summary: `page ${page}`, correlationId: 'c' }] } : null),
      targets: () => ['wiki', 'gitea'],
      startResync: (req) => jobs.start(req),
      resyncJob: (id) => jobs.get(id),
    };
    app = Fastify();
    peoplePages(backend)(app, testKit());
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  });
  afterEach(() => app.close());

  it('lets helpdesk and operators in, nobody else', async () => {
    expect((await call({ url: '/search.json?q=ada' })).statusCode).toBe(401);
    expect((await call({ url: '/search.json?q=ada', headers: { 'x-test-user': 'rita:reviewer' } })).statusCode).toBe(403);
    expect((await call({ url: '/search.json?q=ada', headers: { 'x-test-user': 'otto:operator' } })).statusCode).toBe(200);
    expect((await call({ method: 'POST', url: '/people/alovelace/resync', headers: { 'x-test-user': 'rita:reviewer' }, payload: { mode: 'apply' } })).statusCode).toBe(403);
    expect(resync.calls).toEqual([]);
  });

  it('answers search as JSON and renders results on the home page without script', async () => {
    const json = await call({ url: '/search.json?q=ada', headers: helpdesk });
    expect(json.json()).toEqual({ query: 'ada', results: [expect.objectContaining({ username: 'alovelace', state: 'active' })] });
    const page = await call({ url: '/?q=ada', headers: helpdesk });
    expect(page.body).toContain('href="/people/alovelace"');
    expect(page.body).toContain('Active');
    expect(page.body).toContain('/console/assets/people.js');
  });

  it('renders the person page with escaped values, the source and rule of each attribute and access, the last error', async () => {
    const page = await call({ url: '/people/alovelace', headers: helpdesk });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Ada &lt;Lovelace&gt;');
    expect(page.body).not.toContain('Ada <Lovelace>');
    expect(page.body).toContain('precedence:hr');
    expect(page.body).toContain('role:wiki-users');
    expect(page.body).toContain('HTTP 400: bad email');
    expect(page.body).toContain('<option value="gitea">gitea</option>');
    expect((await call({ url: '/people/nobody', headers: helpdesk })).statusCode).toBe(404);
  });

  it('pages the audit trail: JSON for "show older", page links without script', async () => {
    const json = await call({ url: '/people/alovelace/audit?page=2', headers: helpdesk });
    expect(json.json()).toMatchObject({ page: 2, pages: 3, records: [{ summary: 'page 2' }] });
    expect((await call({ url: '/people/alovelace/audit?page=-4', headers: helpdesk })).json().page).toBe(1);
    expect((await call({ url: '/people/nobody/audit', headers: helpdesk })).statusCode).toBe(404);
    const page = await call({ url: '/people/alovelace?audit=3', headers: helpdesk });
    expect(page.body).toContain('page 3');
    expect(page.body).toContain('href="/people/alovelace?audit=1#audit"');
    expect(page.body).not.toContain('id="audit-more"');
    expect((await call({ url: '/people/alovelace', headers: helpdesk })).body).toContain('data-next="2"');
  });

  it('starts a resync as the signed-in person, whatever the body claims, and the job shows queued then applied or failed', async () => {
    const started = await call({ method: 'POST', url: '/people/alovelace/resync', headers: { ...helpdesk, accept: 'application/json' }, payload: { mode: 'apply', target: '', actor: 'mallory' } });
    expect(started.statusCode).toBe(202);
    const id = started.json().id as string;
    expect(resync.calls).toEqual([{ user: 'alovelace', target: undefined, dryRun: false, actor: 'hana' }]);
    const poll = async () => (await call({ url: `/people/alovelace/resync/${id}`, headers: { ...helpdesk, accept: 'application/json' } })).json();
    expect(await poll()).toMatchObject({ status: 'reading', actor: 'hana', result: null });
    resync.planned();
    expect((await poll()).result.targets.map((t: { outcome: string }) => t.outcome)).toEqual(['still queued', 'still queued']);
    resync.outcome('wiki', 'applied');
    expect(await poll()).toMatchObject({ status: 'running', result: { targets: [{ target: 'wiki', outcome: 'applied' }, { target: 'gitea', outcome: 'still queued' }] } });
    resync.outcome('gitea', 'failed', 'HTTP 409: taken');
    resync.done();
    await new Promise((r) => setImmediate(r));
    const last = await poll();
    expect(last).toMatchObject({ status: 'done', result: { targets: [{ outcome: 'applied' }, { outcome: 'failed', error: 'HTTP 409: taken' }] } });
    expect(last.finishedAt).toEqual(expect.any(String));
    const page = await call({ url: `/people/alovelace/resync/${id}`, headers: helpdesk });
    expect(page.body).toContain('failed: HTTP 409: taken');
    expect(page.body).toContain('~ title: Engineer -&gt; Lead');
    expect(page.body).not.toContain('http-equiv="refresh"');
  });

  it('sends a form posted without script to the job page, and refuses a bad mode or an unknown target', async () => {
    const form = await call({ method: 'POST', url: '/people/alovelace/resync', headers: { ...helpdesk, 'content-type': 'application/json' }, payload: { mode: 'preview', target: 'wiki' } });
    expect(form.statusCode).toBe(303);
    expect(form.headers.location).toMatch(/^\/people\/alovelace\/resync\/[0-9a-f-]{36}$/);
    expect(resync.calls).toEqual([{ user: 'alovelace', target: 'wiki', dryRun: true, actor: 'hana' }]);
    const running = await call({ url: String(form.headers.location), headers: helpdesk });
    expect(running.body).toContain('http-equiv="refresh"');
    const bad = await call({ method: 'POST', url: '/people/alovelace/resync', headers: helpdesk, payload: { mode: 'delete-everything' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toContain('body.mode');
    const unknown = await call({ method: 'POST', url: '/people/alovelace/resync', headers: helpdesk, payload: { mode: 'apply', target: 'payroll' } });
    expect(unknown.json().error).toBe('body.target: no target named "payroll" (targets: wiki, gitea)');
    expect((await call({ url: '/people/someoneelse/resync/nope', headers: helpdesk })).statusCode).toBe(404);
  });
});

