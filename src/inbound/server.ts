// The vendor-facing HTTP listener: inbound SCIM now, event hooks later, each a route family under
// its own prefix with the source name as the next path segment (`/scim/v2/<source>/...`,
// `/hooks/<source>`). Separate from the admin API: that one faces staff on this host, this one
// faces the internet. Every rejection is a 4xx with a one-line JSON reason, counted in metrics.
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { rmSync } from 'node:fs';
import type { InboundMetrics } from '../observability/inbound-metrics';
import { describeBound, parseListenAddress } from '../util/listen';
import { loadTlsMaterial, secureContextOf } from '../util/tls-files';
import type { InboundConfig } from './config';
import { tokenBuckets } from './rate-limit';

export interface InboundLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** A set of routes on the listener; `bodyOf` shapes its rejections (SCIM answers in its error schema). */
export interface RouteFamily {
  /** the path before the source name, e.g. "/scim/v2" or "/hooks" */
  prefix: string;
  register(app: FastifyInstance): void;
  /** whether a source of that name is served; others count (and are rate limited) as "unknown" */
  knows(source: string): boolean;
  rejection?(status: number, reason: string, code: string): Record<string, unknown>;
}

export interface InboundServer {
  address: string;
  app: FastifyInstance;
  /** re-reads tls.certFile/keyFile (SIGHUP); keeps the old pair when the new one does not load */
  reloadTls(): Promise<void>;
  close(): Promise<void>;
}

/** A rejection with the reason code metrics count it under. */
export class Rejection extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'Rejection';
  }
}

const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_content_length',
};

export async function startInboundServer(cfg: InboundConfig, families: RouteFamily[], deps: { log: InboundLog; metrics: InboundMetrics }): Promise<InboundServer> {
  const listen = parseListenAddress(cfg.listen);
  if (!listen) throw new Error(`inbound.listen: "${cfg.listen}" is not tcp://host:port or unix:/path`);
  const tls = await loadTlsMaterial(cfg.tls);
  const app = Fastify({
    logger: false,
    bodyLimit: cfg.limits.maxBodyBytes,
    // a client gets this long to send a whole request, however slowly it trickles (slowloris)
    requestTimeout: 30_000,
    ...(tls ? { https: { cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' as const } } : {}),
  }) as unknown as FastifyInstance;
  app.addContentTypeParser('application/scim+json', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));
  const sourceOf = sourceResolver(families);
  const limiter = tokenBuckets(cfg.limits.requestsPerSecond, cfg.limits.burst);

  const reject = (req: FastifyRequest, reply: FastifyReply, status: number, reason: string, code: string) => {
    const family = families.find((f) => req.url.startsWith(`${f.prefix}/`));
    deps.metrics.rejected(sourceOf(req.url) ?? 'none', status, code);
    return reply.code(status).type('application/json').send(family?.rejection?.(status, reason, code) ?? { error: reason });
  };

  app.addHook('onRequest', async (req, reply) => {
    const retryAfter = limiter.take(sourceOf(req.url) ?? 'none');
    if (retryAfter > 0) {
      void reply.header('retry-after', String(retryAfter));
      return reject(req, reply, 429, `too many requests for this source; retry in ${retryAfter} s`, 'rate_limited');
    }
  });
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    if (err instanceof Rejection) return reject(req, reply, err.status, err.message, err.code);
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) return reject(req, reply, status, oneLine(err.message), FASTIFY_CODES[err.code ?? ''] ?? 'bad_request');
    deps.log.error({ err: err.message, url: req.url.split('?')[0], method: req.method }, 'inbound request failed');
    return reply.code(status >= 500 ? status : 500).type('application/json').send({ error: 'internal error; the change may not have been committed: send it again' });
  });
  app.setNotFoundHandler((req, reply) => reject(req, reply, 404, `no route ${req.method} ${req.url.split('?')[0]}`, 'no_route'));
  for (const f of families) f.register(app);

  if (listen.kind === 'unix') {
    rmSync(listen.path, { force: true });
    await app.listen({ path: listen.path });
  } else {
    await app.listen({ host: listen.host, port: listen.port });
  }
  const address = describeBound(app.server.address());
  deps.log.info({ address, tls: !!tls }, 'inbound listener listening');
  let closing: Promise<void> | null = null;
  return {
    address: tls ? address.replace(/^tcp:/, 'https:') : address,
    app,
    async reloadTls() {
      const next = await loadTlsMaterial(cfg.tls);
      if (!next) return;
      secureContextOf(next); // throws on a bad pair: the old one stays
      (app.server as unknown as { setSecureContext(o: { cert: string; key: string }): void }).setSecureContext({ cert: next.cert, key: next.key });
      deps.log.info({}, 'inbound TLS certificate reloaded');
    },
    close: () => (closing ??= app.close()),
  };
}

/** The source a request is for: the path segment after its family's prefix. */
function sourceResolver(families: RouteFamily[]): (url: string) => string | null {
  return (url) => {
    for (const f of families) {
      if (!url.startsWith(`${f.prefix}/`)) continue;
      const segment = url.slice(f.prefix.length + 1).split(/[/?]/, 1)[0];
      return segment && f.knows(segment) ? segment : 'unknown';
    }
    return null;
  };
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
