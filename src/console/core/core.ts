// The console core: every console request passes `admit` first (session cookie -> the person as
// the directory serves them now -> CSRF check of every state-changing request), then the route's
// `require(...)`. A session whose holder is no longer active, or whose roles changed, ends here.
import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { AuditDraft } from '../../domain/types';
import { html, type SafeHtml } from '../html';
import type { ConsoleRole, ConsoleUser, PageKit, PageOptions } from '../contract';
import { readCookie, setCookie } from './cookies';
import type { ConsoleDeps, ConsolePerson } from './deps';
import { shell } from './layout';
import { rolesOf, sameRoles } from './roles';
import { sameToken, SessionStore, type Session } from './sessions';
import { SignInThrottle } from './throttle';

export const SESSION_COOKIE = 'idsync_session';
/** the sign-in form's own token (double submit), before any session exists */
export const SIGN_IN_COOKIE = 'idsync_sign_in';
export const SIGN_IN_PATH = '/sign-in';

/** why a request has no session although it sent a cookie */
export type Ended = 'idle' | 'lifetime' | 'changed';

interface RequestState {
  session: Session | null;
  user: ConsoleUser | null;
  ended: Ended | null;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const NO_STATE: RequestState = { session: null, user: null, ended: null };

export class ConsoleCore {
  readonly sessions: SessionStore;
  readonly throttle: SignInThrottle;
  private states = new WeakMap<FastifyRequest, RequestState>();

  constructor(readonly deps: ConsoleDeps) {
    const c = deps.config;
    this.sessions = new SessionStore(deps.clock, { idleMs: c.idleTimeoutMinutes * 60_000, lifetimeMs: c.maxLifetimeHours * 3_600_000 });
    this.throttle = new SignInThrottle(deps.failures, c.signInAttempts, c.signInWindowMinutes, deps.log);
  }

  /** The preHandler every console route runs before its own. */
  async admit(req: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    const state = await this.resolve(req, reply);
    this.states.set(req, state);
    if (!UNSAFE.has(req.method)) return undefined;
    const sent = csrfSent(req);
    if (pathOf(req) === SIGN_IN_PATH) {
      const expected = readCookie(req.headers.cookie, SIGN_IN_COOKIE);
      if (!expected || !sameToken(sent, expected)) return refuseCsrf(req, reply, 'the sign-in form has expired');
      return undefined;
    }
    if (!state.session) return reply.code(401).send({ error: 'sign in first: there is no console session, or it has ended' });
    if (!sameToken(sent, state.session.csrf)) return refuseCsrf(req, reply, 'this request carries no valid CSRF token');
    return undefined;
  }

  private async resolve(req: FastifyRequest, reply: FastifyReply): Promise<RequestState> {
    const found = this.sessions.lookup(readCookie(req.headers.cookie, SESSION_COOKIE));
    if (!found) return NO_STATE;
    if (found.ended) {
      await this.endSession(req, reply, found.session, found.ended);
      return { ...NO_STATE, ended: found.ended };
    }
    const s = found.session;
    const person = this.deps.directory.person(s.username);
    const roles = person ? rolesOf(person, this.deps.config.roles) : [];
    if (!person || person.identityId !== s.identityId || person.state !== 'active' || !sameRoles(roles, s.roles)) {
      this.sessions.end(s.id);
      await this.endSession(req, reply, s, 'changed', { state: person?.state ?? 'absent', roles });
      return { ...NO_STATE, ended: 'changed' };
    }
    return { session: s, user: { identityId: s.identityId, username: s.username, displayName: person.displayName, roles }, ended: null };
  }

  private async endSession(req: FastifyRequest, reply: FastifyReply, s: Session, why: Ended, now?: unknown): Promise<void> {
    reply.header('set-cookie', setCookie(SESSION_COOKIE, '', { secure: this.secure(req), maxAge: 0 }));
    await this.audit(s.username, 'console.session.end', { kind: 'identity', id: s.identityId, username: s.username }, { reason: why, address: addressOf(req), ...(now ? { now } : {}) }).catch((err: Error) =>
      this.deps.log.error({ err: err.message, username: s.username }, 'could not audit the end of a console session'),
    );
  }

  /** A new session for a person who just proved who they are; the Set-Cookie goes on `reply`. */
  startSession(req: FastifyRequest, reply: FastifyReply, person: ConsolePerson, roles: ConsoleRole[]): Session {
    // a session this browser already had ends: signing in never keeps an id that existed before
    const before = this.state(req).session;
    if (before) this.sessions.end(before.id);
    const s = this.sessions.create({ identityId: person.identityId, username: person.username, displayName: person.displayName, roles });
    reply.header('set-cookie', [
      setCookie(SESSION_COOKIE, s.id, { secure: this.secure(req) }),
      setCookie(SIGN_IN_COOKIE, '', { secure: this.secure(req), maxAge: 0 }),
    ]);
    return s;
  }

  signOut(req: FastifyRequest, reply: FastifyReply): Session | null {
    const s = this.state(req).session;
    if (s) this.sessions.end(s.id);
    reply.header('set-cookie', setCookie(SESSION_COOKIE, '', { secure: this.secure(req), maxAge: 0 }));
    return s;
  }

  /** Secure cookies when the browser reached us over TLS: directly, or through a proxy on this host that says so. */
  secure(req: FastifyRequest): boolean {
    return req.protocol === 'https' || req.headers['x-forwarded-proto'] === 'https';
  }

  state(req: FastifyRequest): RequestState {
    return this.states.get(req) ?? NO_STATE;
  }

  async audit(username: string, action: string, subject: AuditDraft['subject'], after: unknown): Promise<void> {
    await this.deps.audit.record([
      { time: this.deps.clock.now().toISOString(), actor: { kind: 'helpdesk', id: username }, action, subject, before: null, after, correlationId: randomUUID() },
    ]);
  }

  kit(): PageKit {
    return {
      require: (...roles) => this.requireRoles(roles),
      user: (req) => {
        const user = this.state(req).user;
        if (!user) throw new Error('kit.user() on a request that did not pass kit.require()');
        return user;
      },
      actor: (req) => ({ kind: 'helpdesk', id: this.kitUser(req).username }),
      csrfField: (req) => this.csrfField(req),
      page: (req, opts) => this.page(req, opts),
    };
  }

  private kitUser(req: FastifyRequest): ConsoleUser {
    const user = this.state(req).user;
    if (!user) throw new Error('the console actor of a request that did not pass kit.require()');
    return user;
  }

  csrfField(req: FastifyRequest): SafeHtml {
    return html`<input type="hidden" name="_csrf" value="${this.state(req).session?.csrf ?? ''}">`;
  }

  page(req: FastifyRequest, opts: PageOptions & { csrf?: string }): string {
    const st = this.state(req);
    return shell({ ...opts, csrf: opts.csrf ?? st.session?.csrf ?? '', path: pathOf(req), user: st.user, csrfField: this.csrfField(req) });
  }

  private requireRoles(roles: ConsoleRole[]): preHandlerAsyncHookHandler {
    return async (req, reply) => {
      const st = this.state(req);
      if (!st.user) {
        if (isPageRequest(req)) {
          const q = new URLSearchParams({ next: req.url });
          if (st.ended) q.set('ended', st.ended);
          return reply.code(303).header('location', `${SIGN_IN_PATH}?${q}`).send();
        }
        return reply.code(401).send({ error: 'sign in first: there is no console session, or it has ended' });
      }
      if (roles.length && !roles.some((r) => st.user!.roles.includes(r))) {
        const need = `this needs the ${roles.join(' or ')} role; you have ${st.user.roles.join(', ')}`;
        if (isPageRequest(req)) return reply.code(403).type('text/html; charset=utf-8').send(this.page(req, { title: 'Not allowed', body: html`<p class="notice" role="alert">${need}.</p>` }));
        return reply.code(403).send({ error: need });
      }
      return undefined;
    };
  }
}

/** A browser navigating to a page, not a script fetching JSON (which gets a status and a JSON body instead). */
function isPageRequest(req: FastifyRequest): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const accept = req.headers.accept ?? '';
  return accept.includes('text/html') || !accept.includes('application/json');
}

function csrfSent(req: FastifyRequest): unknown {
  const body = req.body as Record<string, unknown> | null | undefined;
  const field = body && typeof body === 'object' ? body._csrf : undefined;
  return field ?? req.headers['x-csrf-token'];
}

function refuseCsrf(req: FastifyRequest, reply: FastifyReply, what: string): FastifyReply {
  const error = `${what} (form field _csrf or header x-csrf-token): reload the page and try again`;
  if ((req.headers.accept ?? '').includes('text/html')) {
    return reply.code(403).type('text/html; charset=utf-8').send(shell({ title: 'Request refused', body: html`<p class="notice" role="alert">Refused: ${error}.</p><p><a href="/">Back to the console</a></p>`, csrf: '', path: pathOf(req), user: null, csrfField: html`` }));
  }
  return reply.code(403).send({ error });
}

export function pathOf(req: FastifyRequest): string {
  return req.url.split('?')[0]!;
}

/** The client address; a unix-socket client (a proxy on this host) has none of its own. */
export function addressOf(req: FastifyRequest): string {
  return req.ip || req.socket.remoteAddress || 'local';
}
