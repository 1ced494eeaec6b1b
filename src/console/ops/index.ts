// The operator pages: held runs (Allow), dead letters (Retry), disputes (Join to). Operators only;
// every POST is CSRF-checked by the console core before it reaches these handlers, and every action
// is audited under the signed-in operator (kit.actor).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PageModule } from '../contract';
import { OpsRefusal, type OpsBackend } from './backend';
import type { Notice } from './common';
import { deadLettersBody } from './dead-letters-page';
import { disputesBody } from './disputes-page';
import { runsBody } from './runs-page';

export type { OpsBackend } from './backend';

type Form = Record<string, unknown> | undefined;

export function opsPages(backend: OpsBackend): PageModule {
  return (app, kit) => {
    const operator = { preHandler: kit.require('operator') };
    const pages = {
      runs: async (req: FastifyRequest, notice: Notice | null) =>
        kit.page(req, { title: 'Held runs', body: runsBody(await backend.heldRuns(), kit.csrfField(req), notice) }),
      deadLetters: async (req: FastifyRequest, notice: Notice | null) =>
        kit.page(req, { title: 'Dead letters', body: deadLettersBody(await backend.deadLetters(), kit.csrfField(req), notice) }),
      disputes: async (req: FastifyRequest, notice: Notice | null) =>
        kit.page(req, { title: 'Disputes', body: disputesBody(await backend.disputes(), kit.csrfField(req), notice) }),
    };

    app.get('/ops', operator, async (_req, reply) => reply.redirect('/ops/runs'));
    app.get('/ops/runs', operator, async (req, reply) => sendHtml(reply, 200, await pages.runs(req, null)));
    app.get('/ops/dead-letters', operator, async (req, reply) => sendHtml(reply, 200, await pages.deadLetters(req, null)));
    app.get('/ops/disputes', operator, async (req, reply) => sendHtml(reply, 200, await pages.disputes(req, null)));

    app.post('/ops/runs/:id/allow', operator, async (req: FastifyRequest<{ Params: { id: string } }>, reply) =>
      act(reply, () => backend.allowRun(req.params.id, kit.actor(req)), (n) => pages.runs(req, n)),
    );
    app.post('/ops/dead-letters/retry', operator, async (req, reply) => {
      const form = req.body as Form;
      return act(
        reply,
        async () => {
          const target = field(form, 'target', true)!;
          const identityId = field(form, 'identityId', false);
          const n = await backend.retryDeadLetters({ target, identityId }, kit.actor(req));
          if (n === 0) throw new OpsRefusal(`no dead letters of ${target}${identityId ? ' for that person' : ''} to retry (already retried?)`, 404);
          return `${n} job(s) of ${target} sent again`;
        },
        (n) => pages.deadLetters(req, n),
      );
    });
    app.post('/ops/disputes/:id/resolve', operator, async (req: FastifyRequest<{ Params: { id: string } }>, reply) =>
      act(reply, () => backend.resolveDispute(req.params.id, field(req.body as Form, 'identityId', true)!, kit.actor(req)), (n) => pages.disputes(req, n)),
    );
  };
}

/**
 * Runs the action and answers with the page and the outcome on it: 200 when done, the refusal's
 * status (400, 404, 409) with its sentence when refused. Reloading after a POST only repeats a
 * request the backend refuses the second time (the run is no longer held, the dispute resolved).
 */
async function act(reply: FastifyReply, action: () => Promise<string>, page: (n: Notice) => Promise<string>): Promise<FastifyReply> {
  try {
    const text = await action();
    return sendHtml(reply, 200, await page({ ok: true, text }));
  } catch (err) {
    if (!(err instanceof OpsRefusal)) throw err;
    return sendHtml(reply, err.status, await page({ ok: false, text: err.message }));
  }
}

function field(form: Form, name: string, required: boolean): string | undefined {
  const v = form?.[name];
  if (typeof v === 'string' && v.trim()) return v.trim();
  if (v !== undefined && typeof v !== 'string') throw new OpsRefusal(`form field ${name} must be one value`, 400);
  if (required) throw new OpsRefusal(`form field ${name} is required`, 400);
  return undefined;
}

function sendHtml(reply: FastifyReply, status: number, page: string): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(page);
}
