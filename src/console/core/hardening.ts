// What the console answers to requests no route takes: a path that does not exist, a method no
// route has (OPTIONS, TRACE) and a body type the console does not read. Each gets a plain 4xx with
// the console's security headers (its not-found handler runs the console's hooks; fastify's
// default one, outside the console's context, would not).
import type { FastifyInstance } from 'fastify';

/** Call inside the console's own fastify context, before its routes. */
export function hardenConsole(app: FastifyInstance): void {
  // Forms are urlencoded and scripts send JSON; a text/plain POST is what a cross-site page can
  // send without a preflight, so the console refuses to read one (415) rather than hand it on.
  app.removeContentTypeParser('text/plain');
  app.setNotFoundHandler(async (req, reply) => {
    const path = req.url.split('?')[0]!;
    return reply.code(404).send({ error: `nothing here: ${req.method} ${path.length > 200 ? `${path.slice(0, 200)}...` : path}` });
  });
}
