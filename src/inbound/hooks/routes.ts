// /hooks/<source>: event hooks of the polled sources. The kind's endpoint authenticates the
// request and names the people it is about; the backend reads them again from the vendor's API
// and commits them. The body is never taken as data.
//
// When to answer: Okta waits 3 s and Graph about as long before they count a delivery as failed,
// so the answer waits for the re-read and commit for up to ANSWER_WITHIN_MS. Within that time a
// 2xx means committed, and a failure is a 503 the vendor retries. A re-read still running then is
// answered 2xx anyway and finishes in the background (a failure is logged, its delivery id
// forgotten so a retry is taken, and the next scheduled run reads the person regardless).
import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Rejection, type InboundLog, type RouteFamily } from '../server';
import type { HookEndpoint, HookReply } from './request';
import type { SeenSet } from './seen';

export const HOOKS_PREFIX = '/hooks';
export const ANSWER_WITHIN_MS = 2000;

export interface HookBackend {
  /** reads each person again from the source's API and commits what it says; resolves once committed */
  reread(source: string, ids: string[], correlationId: string): Promise<void>;
}

type Req = FastifyRequest<{ Params: { source: string }; Querystring: Record<string, unknown> }>;

export function hookRoutes(endpoints: Map<string, HookEndpoint>, deps: { backend: HookBackend; seen: SeenSet; log: InboundLog; onAccepted(source: string, change: string): void }): RouteFamily {
  const handle = async (req: Req, reply: FastifyReply) => {
    const endpoint = endpoints.get(req.params.source);
    if (!endpoint) throw new Rejection(404, `no event hook for a source named "${req.params.source}"`, 'unknown_source');
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const verdict = endpoint.handle({ method: req.method, headers: req.headers, query: req.query ?? {}, raw });
    if (verdict.kind === 'reply') return send(reply, verdict.reply);
    const correlationId = `hook-${randomUUID()}`;
    const forget = () => verdict.claims.forEach((c) => deps.seen.release(c));
    const work = verdict.ids.length ? deps.backend.reread(req.params.source, verdict.ids, correlationId) : Promise.resolve();
    const outcome = await settleWithin(work, ANSWER_WITHIN_MS);
    if (outcome === 'late') {
      work.then(
        () => deps.onAccepted(req.params.source, 'hook.reread'),
        (err: Error) => {
          forget();
          deps.log.error({ source: req.params.source, correlationId, err: err.message }, 'event hook re-read failed after the answer');
        },
      );
      return send(reply, verdict.ack);
    }
    if (outcome instanceof Error) {
      forget();
      throw Object.assign(new Error(`the people this hook named could not be read again: ${outcome.message}`), { statusCode: 503 });
    }
    deps.onAccepted(req.params.source, 'hook.reread');
    return send(reply, verdict.ack);
  };
  return {
    prefix: HOOKS_PREFIX,
    knows: (source) => endpoints.has(source),
    register(app) {
      app.register(async (scope) => {
        // raw bytes for every media type: BambooHR's signature is over the body as sent, and
        // Graph's validation request is an empty text/plain POST
        scope.removeAllContentTypeParsers();
        scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
        scope.route({ method: ['GET', 'POST'], url: `${HOOKS_PREFIX}/:source`, handler: handle });
      });
    },
  };
}

function send(reply: FastifyReply, r: HookReply) {
  void reply.header('x-content-type-options', 'nosniff');
  return reply.code(r.status).type(r.type).send(r.body);
}

async function settleWithin(work: Promise<void>, ms: number): Promise<'done' | 'late' | Error> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ms)));
  try {
    return await Promise.race([work.then(() => 'done' as const, (err: unknown) => (err instanceof Error ? err : new Error(String(err)))), late]);
  } finally {
    clearTimeout(timer);
  }
}
