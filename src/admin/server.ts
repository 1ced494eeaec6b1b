// The admin HTTP server: loopback TCP or a unix socket. `/v1/*` and `/metrics` are the API for
// machines (CLI, scripts, probes) behind the bearer token; every other path belongs to the console
// the caller registers (people with session cookies), or is 404 without one.
// Domain errors are mapped to HTTP statuses here, at the edge, and nowhere else.
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { timingSafeEqual, createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { ListenAddress } from './config';
import type { DeadLetter } from '../services/provisioning/dead-letters';
import { ResyncError, type ResyncRequest, type ResyncResult } from '../services/provisioning/resync';
import type { ReadinessReport } from '../observability/readiness';
import { healthRoutes } from './health';

export interface AdminHandlers {
  resync(req: ResyncRequest): Promise<ResyncResult>;
  failed(target?: string): Promise<DeadLetter[]>;
  retry(only: { target?: string; user?: string }): Promise<DeadLetter[]>;
  allowRun?(runId: string, actor: string): Promise<unknown>;
  health(): Promise<{ ok: boolean; [k: string]: unknown }>;
  /** /v1/health/ready: store, Redis, listeners, sources, targets */
  ready?(): Promise<ReadinessReport>;
  metrics(): Promise<string>;
}

export interface AdminServer {
  address: string;
  app: FastifyInstance;
  close(): Promise<void>;
}

/** An API call made with the bearer token is audited as this helpdesk actor, whatever the body says. */
export const TOKEN_ACTOR = 'token';

export interface AdminServerOptions {
  /** registers the console's routes (every path outside the API) */
  console?: (app: FastifyInstance) => void;
}

/** The API's own paths, by the raw path and by the route it matched (so no encoding of `/v1` slips past the token). */
function isApiRequest(req: FastifyRequest): boolean {
  const path = req.url.split('?')[0]!;
  const route = req.routeOptions.url ?? '';
  return [path, route].some((p) => p === '/v1' || p.startsWith('/v1/') || p === '/metrics');
}

export async function startAdminServer(listen: ListenAddress, token: string, h: AdminHandlers, opts: AdminServerOptions = {}): Promise<AdminServer> {
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
  const expected = digest(token);
  app.addHook('onRequest', async (req, reply) => {
    if (!isApiRequest(req)) return;
    const got = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!got || !timingSafeEqual(digest(got), expected)) {
      return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'missing or wrong bearer token' });
    }
  });
  app.setErrorHandler((err: Error & { statusCode?: number }, _req, reply) => {
    const status = err instanceof ResyncError ? err.status : err.statusCode && err.statusCode < 500 ? err.statusCode : 500;
    void reply.code(status).send({ error: err.message });
  });
  app.register(async (api) => routes(api, h));
  if (opts.console) app.register(async (consoleApp) => opts.console!(consoleApp));
  if (listen.kind === 'unix') {
    rmSync(listen.path, { force: true });
    await app.listen({ path: listen.path });
  } else {
    await app.listen({ host: listen.host, port: listen.port });
  }
  const addr = app.server.address();
  const address = typeof addr === 'string' ? `unix:${addr}` : `tcp://${addr?.address}:${addr?.port}`;
  let closing: Promise<void> | null = null;
  return { address, app, close: () => (closing ??= app.close()) };
}

function routes(app: FastifyInstance, h: AdminHandlers): void {
  app.get('/v1/health', async (_req, reply) => {
    const health = await h.health();
    return reply.code(health.ok ? 200 : 503).send(health);
  });
  healthRoutes(app, h.ready);
  app.get('/metrics', async (_req, reply) => reply.type('text/plain; version=0.0.4').send(await h.metrics()));
  app.get('/v1/queue/failed', async (req: FastifyRequest<{ Querystring: { target?: string } }>) => ({ failed: await h.failed(req.query.target) }));
  app.post('/v1/queue/retry', async (req: FastifyRequest<{ Body: { target?: string; user?: string } | undefined }>) => {
    const body = req.body ?? {};
    return { retried: await h.retry({ target: stringOrUndefined(body.target, 'target'), user: stringOrUndefined(body.user, 'user') }) };
  });
  app.post('/v1/resync', async (req: FastifyRequest<{ Body: Record<string, unknown> | undefined }>, reply: FastifyReply) => {
    const body = req.body ?? {};
    if (typeof body.user !== 'string' || !body.user) throw new ResyncError('body.user: the username to resync is required');
    const dryRun = body.dryRun === undefined ? false : body.dryRun;
    if (typeof dryRun !== 'boolean') throw new ResyncError('body.dryRun: must be true or false');
    const result = await h.resync({ user: body.user, target: stringOrUndefined(body.target, 'target'), dryRun, actor: TOKEN_ACTOR });
    return reply.send(result);
  });
  app.post('/v1/runs/:id/allow', async (req: FastifyRequest<{ Params: { id: string } }>) => {
    if (!h.allowRun) throw new ResyncError('allowing runs is not available in this daemon', 400);
    return { allowed: await h.allowRun(req.params.id, TOKEN_ACTOR) };
  });
}

function stringOrUndefined(v: unknown, name: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new ResyncError(`body.${name}: must be a string`);
  return v;
}

/** Equal-length digests so the comparison takes the same time whatever the guess. */
function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}
