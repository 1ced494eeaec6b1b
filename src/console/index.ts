// The helpdesk console on the admin server: the core (sessions, CSRF, roles, sign-in, static
// assets) and the page modules, each registered with the same PageKit.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { html } from './html';
import type { PageKit, PageModule } from './contract';
import { assetRoutes } from './core/assets';
import { hardenConsole } from './core/hardening';
import { ConsoleCore } from './core/core';
import type { ConsoleDeps } from './core/deps';
import { signInPages } from './core/sign-in';

export type { ConsoleDeps, ConsolePerson, ConsoleDirectory, ConsolePasswords, ConsoleAudit } from './core/deps';
export type { PageKit, PageModule } from './contract';

const FORM_LIMIT = 64 * 1024;

/** Call inside its own fastify context: the hooks and the form parser apply to console routes only. */
export function registerConsole(app: FastifyInstance, deps: ConsoleDeps, modules: PageModule[]): ConsoleCore {
  const core = new ConsoleCore(deps);
  hardenConsole(app, deps.log);
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_LIMIT }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  app.addHook('preHandler', (req, reply) => core.admit(req, reply));
  app.addHook('onSend', async (req, reply, payload) => {
    securityHeaders(req, reply);
    return payload;
  });
  assetRoutes(app);
  signInPages(app, core);
  const kit = core.kit();
  for (const register of modules) register(app, kit);
  // Until a search page is registered, signing in lands on a page that says who you are.
  if (!app.hasRoute({ method: 'GET', url: '/' })) homePage(app, kit);
  return core;
}

function securityHeaders(req: FastifyRequest, reply: FastifyReply): void {
  reply.header('content-security-policy', "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
  reply.header('x-content-type-options', 'nosniff');
  reply.header('referrer-policy', 'same-origin');
  reply.header('x-frame-options', 'DENY');
  if (!req.url.startsWith('/console/assets/')) reply.header('cache-control', 'no-store');
}

function homePage(app: FastifyInstance, kit: PageKit): void {
  app.get('/', { preHandler: kit.require() }, async (req, reply) => {
    const user = kit.user(req);
    const body = html`<p>Signed in as <strong>${user.username}</strong> with the roles: ${user.roles.join(', ')}.</p>`;
    return reply.type('text/html; charset=utf-8').send(kit.page(req, { title: 'Home', body }));
  });
}
