// What the console answers to requests no route takes: a path that does not exist, a method no
// route has (OPTIONS, TRACE) and a body type the console does not read. Each gets a plain 4xx with
// the console's security headers (its not-found handler runs the console's hooks; fastify's
// default one, outside the console's context, would not). A failure inside a page is logged in
// full and shown to the browser as a reference only: its message may name files or the store.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Logger } from '../../ports/logger';

/** Call inside the console's own fastify context, before its routes. */
export function hardenConsole(app: FastifyInstance, log: Logger): void {
  // Forms are urlencoded and scripts send JSON; a text/plain POST is what a cross-site page can
  // send without a preflight, so the console refuses to read one (415) rather than hand it on.
  app.removeContentTypeParser('text/plain');
  // No other site's window keeps a handle on a console tab, and no other site embeds its answers.
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('cross-origin-resource-policy', 'same-origin');
    return payload;
  });
  app.setNotFoundHandler(async (req, reply) => {
    const path = req.url.split('?')[0]!;
    return reply.code(404).send({ error: `nothing here: ${req.method} ${path.length > 200 ? `${path.slice(0, 200)}...` : path}` });
  });
  app.setErrorHandler((err: Error & { statusCode?: number; status?: number }, req, reply) => {
    // fastify's own errors carry statusCode; the services' request errors (ResyncError) carry status
    const said = err.statusCode ?? err.status;
    const status = typeof said === 'number' && said >= 400 && said < 500 ? said : 500;
    if (status < 500) return reply.code(status).send({ error: err.message });
    const ref = randomUUID();
    log.error({ err: err.message, stack: err.stack, ref, method: req.method, path: req.url.split('?')[0] }, 'console request failed');
    return reply.code(500).send({ error: `the console could not answer this request (reference ${ref} in the daemon log)` });
  });
}
