// The helpdesk pages: search (home), the person page and its JSON, preview and resync. Every
// route needs the helpdesk or operator role; the resync runs as the signed-in person.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PageKit, PageModule } from '../contract';
import { html } from '../html';
import type { PeopleBackend } from './backend';
import { homeBody } from './home-page';
import { personBody } from './person-page';
import { jobBody } from './job-view';

export type { PeopleBackend };

const MAX_QUERY = 200;
const SCRIPTS = ['people.js'];

export function peoplePages(backend: PeopleBackend): PageModule {
  return (app: FastifyInstance, kit: PageKit) => {
    const guard = { preHandler: kit.require('helpdesk', 'operator') };

    app.get<{ Querystring: { q?: string } }>('/', guard, async (req, reply) => {
      const q = queryText(req.query.q);
      const hits = q ? await backend.search(q) : null;
      return sendPage(reply, kit.page(req, { title: 'Find a person', body: homeBody(q, hits), scripts: SCRIPTS }));
    });

    app.get<{ Querystring: { q?: string } }>('/search.json', guard, async (req) => {
      const q = queryText(req.query.q);
      return { query: q, results: q ? await backend.search(q) : [] };
    });

    app.get<{ Querystring: { audit?: string }; Params: { username: string } }>('/people/:username', guard, async (req, reply) => {
      const person = await backend.person(req.params.username);
      if (!person) return notFound(reply, kit, req);
      const audit = (await backend.audit(person.username, pageNumber(req.query.audit)))!;
      const body = personBody(person, audit, backend.targets(), kit.csrfField(req));
      return sendPage(reply, kit.page(req, { title: `${person.displayName} (${person.username})`, body, scripts: SCRIPTS }));
    });

    app.get<{ Querystring: { page?: string }; Params: { username: string } }>('/people/:username/audit', guard, async (req, reply) => {
      const page = await backend.audit(req.params.username, pageNumber(req.query.page));
      return page ?? reply.code(404).send({ error: `no person with username "${req.params.username}"` });
    });

    app.post<{ Params: { username: string }; Body: Record<string, unknown> | undefined }>('/people/:username/resync', guard, async (req, reply) => {
      const person = await backend.person(req.params.username);
      if (!person) return reply.code(404).send({ error: `no person with username "${req.params.username}"` });
      const choice = resyncChoice(req.body ?? {}, backend.targets());
      if ('error' in choice) return reply.code(400).send(choice);
      const { dryRun, target } = choice;
      const job = backend.startResync({ user: person.username, target, dryRun, actor: kit.actor(req).id });
      if (wantsJson(req)) return reply.code(202).send(job);
      return reply.code(303).header('location', `/people/${encodeURIComponent(person.username)}/resync/${job.id}`).send();
    });

    app.get<{ Params: { username: string; id: string } }>('/people/:username/resync/:id', guard, async (req, reply) => {
      const job = backend.resyncJob(req.params.id);
      if (!job || job.user !== req.params.username) return reply.code(404).send({ error: `no resync ${req.params.id} for "${req.params.username}"` });
      if (wantsJson(req)) return job;
      const personUrl = `/people/${encodeURIComponent(job.user)}`;
      return sendPage(reply, kit.page(req, { title: `${job.dryRun ? 'Preview' : 'Resync'} of ${job.user}`, body: jobBody(job, personUrl) }));
    });
  };
}

/** The resync form posts `mode` (preview | apply) and `target` (empty: every target). */
function resyncChoice(body: Record<string, unknown>, targets: string[]): { dryRun: boolean; target?: string } | { error: string } {
  const mode = body.mode ?? 'preview';
  if (mode !== 'preview' && mode !== 'apply') return { error: 'body.mode: must be "preview" or "apply"' };
  const target = body.target ?? '';
  if (typeof target !== 'string') return { error: 'body.target: must be a target name, or empty for every target' };
  if (target && !targets.includes(target)) return { error: `body.target: no target named "${target}" (targets: ${targets.join(', ') || 'none'})` };
  return { dryRun: mode === 'preview', target: target || undefined };
}

function queryText(q: unknown): string {
  return typeof q === 'string' ? q.slice(0, MAX_QUERY) : '';
}

function pageNumber(v: unknown): number {
  const n = typeof v === 'string' ? Number.parseInt(v, 10) : 1;
  return Number.isFinite(n) && n > 0 ? n : 1;
}

function wantsJson(req: FastifyRequest): boolean {
  return (req.headers.accept ?? '').includes('application/json');
}

function sendPage(reply: FastifyReply, page: string): FastifyReply {
  return reply.type('text/html; charset=utf-8').send(page);
}

function notFound(reply: FastifyReply, kit: PageKit, req: FastifyRequest): FastifyReply {
  const body = html`<h1>Nobody here</h1><p>No person with that username. <a href="/">Search again</a>.</p>`;
  return sendPage(reply.code(404), kit.page(req, { title: 'Not found', body }));
}
