// /scim/v2/<source>/...: bearer token per source (compared in constant time), then the resource
// handlers. Errors leave in the SCIM error schema (RFC 7644 §3.12) on one line.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { Rejection, type RouteFamily } from '../server';
import type { ResourceKind, ScimBackend } from './backend';
import { RejectedRecordError } from './backend';
import { resourceTypes, schemas, serviceProviderConfig, listResponse } from './discovery';
import { ERROR_SCHEMA, ScimError } from './errors';
import { createResource, deleteResource, getResource, listResources, patchResource, replaceResource, type ScimAnswer, type ScimCall } from './resources';

export const SCIM_PREFIX = '/scim/v2';
const SCIM_JSON = 'application/scim+json';

export interface ScimSource {
  token: string;
  backend: ScimBackend;
}

type Req = FastifyRequest<{ Params: { source: string; id?: string }; Querystring: Record<string, unknown> }>;

export function scimRoutes(sources: Map<string, ScimSource>, onAccepted: (source: string, change: string) => void): RouteFamily {
  const digests = new Map([...sources].map(([name, s]) => [name, digest(s.token)]));
  return {
    prefix: SCIM_PREFIX,
    knows: (source) => sources.has(source),
    rejection: (status, reason, code) => ({ schemas: [ERROR_SCHEMA], status: String(status), ...(SCIM_TYPES.has(code) ? { scimType: code } : {}), detail: reason }),
    register(app) {
      app.register(async (scope) => {
        scope.addHook('onRequest', async (req: Req) => authenticate(req, digests));
        routes(scope, sources, onAccepted);
      });
    },
  };
}

const SCIM_TYPES = new Set(['invalidFilter', 'tooMany', 'uniqueness', 'mutability', 'invalidSyntax', 'invalidPath', 'noTarget', 'invalidValue', 'invalidVers']);

function authenticate(req: Req, digests: Map<string, Buffer>): void {
  const expected = digests.get(req.params.source);
  if (!expected) throw new Rejection(404, `no SCIM source named "${req.params.source}"`, 'unknown_source');
  const got = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
  if (!got) throw new Rejection(401, 'missing bearer token (Authorization: Bearer <token>)', 'no_token');
  if (!timingSafeEqual(digest(got), expected)) throw new Rejection(401, 'wrong bearer token', 'wrong_token');
}

function routes(app: FastifyInstance, sources: Map<string, ScimSource>, onAccepted: (source: string, change: string) => void): void {
  const base = '/scim/v2/:source';
  const call = (req: Req): ScimCall => ({
    backend: sources.get(req.params.source)!.backend,
    base: `${req.protocol}://${req.host}${SCIM_PREFIX}/${encodeURIComponent(req.params.source)}`,
    correlationId: `scim-${randomUUID()}`,
  });
  const send = async (reply: FastifyReply, a: ScimAnswer) => {
    if (a.etag) void reply.header('etag', a.etag);
    if (a.location && a.status === 201) void reply.header('location', a.location);
    return a.body ? reply.code(a.status).type(SCIM_JSON).send(a.body) : reply.code(a.status).send();
  };
  const handle = (fn: (req: Req) => Promise<ScimAnswer>, change?: string) => async (req: Req, reply: FastifyReply) => {
    let answer: ScimAnswer;
    try {
      answer = await fn(req);
    } catch (err) {
      throw asRejection(err);
    }
    if (change) onAccepted(req.params.source, change);
    return send(reply, answer);
  };
  const ifMatch = (req: Req) => (typeof req.headers['if-match'] === 'string' ? req.headers['if-match'] : undefined);
  const discovery = (req: Req) => `${req.protocol}://${req.host}${SCIM_PREFIX}/${encodeURIComponent(req.params.source)}`;

  app.get(`${base}/ServiceProviderConfig`, handle(async (req) => ({ status: 200, body: serviceProviderConfig(discovery(req)) })));
  app.get(`${base}/ResourceTypes`, handle(async (req) => ({ status: 200, body: listResponse(resourceTypes(discovery(req)), 2, 1) })));
  app.get(`${base}/Schemas`, handle(async (req) => ({ status: 200, body: listResponse(schemas(discovery(req)), 3, 1) })));
  for (const [kind, plural] of [['User', 'Users'], ['Group', 'Groups']] as [ResourceKind, string][]) {
    const lower = kind.toLowerCase();
    app.get(`${base}/${plural}`, handle((req) => listResources(kind, call(req), req.query)));
    app.post(`${base}/${plural}`, handle((req) => createResource(kind, call(req), req.body), `${lower}.create`));
    app.get(`${base}/${plural}/:id`, handle((req) => getResource(kind, call(req), req.params.id!, req.query)));
    app.put(`${base}/${plural}/:id`, handle((req) => replaceResource(kind, call(req), req.params.id!, req.body, ifMatch(req)), `${lower}.replace`));
    app.patch(`${base}/${plural}/:id`, handle((req) => patchResource(kind, call(req), req.params.id!, req.body, ifMatch(req)), `${lower}.patch`));
    app.delete(`${base}/${plural}/:id`, handle((req) => deleteResource(kind, call(req), req.params.id!, ifMatch(req)), `${lower}.delete`));
  }
}

function asRejection(err: unknown): unknown {
  if (err instanceof ScimError) return new Rejection(err.status, err.message, err.scimType ?? statusCode(err.status));
  if (err instanceof RejectedRecordError) return new Rejection(400, err.message, 'invalidValue');
  return err;
}

function statusCode(status: number): string {
  return status === 404 ? 'not_found' : `status_${status}`;
}

/** Equal-length digests so the comparison takes the same time whatever the guess. */
function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}
