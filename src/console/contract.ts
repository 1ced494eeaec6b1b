// What a console page module is given and must follow. The console core (sign-in, sessions,
// CSRF, roles) implements PageKit; each page family is a PageModule registered on the admin
// server, so adding a page never touches how people sign in.
import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { AuditActor } from '../domain/types';
import type { SafeHtml } from './html';

/**
 * helpdesk: look people up, see why they have an access, preview and run a resync.
 * operator: everything helpdesk may, and allow held runs, retry dead letters, resolve disputes.
 * reviewer: decide the access-review items assigned to them.
 */
export type ConsoleRole = 'helpdesk' | 'operator' | 'reviewer';

/** The signed-in person, re-read on every request (state and roles as they are now). */
export interface ConsoleUser {
  identityId: string;
  username: string;
  displayName: string;
  roles: ConsoleRole[];
}

export interface PageOptions {
  title: string;
  body: SafeHtml;
  /** script files under /console/assets/ this page loads, e.g. 'search.js' */
  scripts?: string[];
}

export interface PageKit {
  /**
   * A preHandler: the request must come from a signed-in person holding one of `roles` (any
   * signed-in person when none are named). A page (GET) without a session is sent to the sign-in
   * page; anything else answers 401, and a missing role 403.
   * Every state-changing request (POST, PUT, PATCH, DELETE) is also checked against the session's
   * CSRF token (form field `_csrf` or header `x-csrf-token`) by the core before any module sees it.
   */
  require(...roles: ConsoleRole[]): preHandlerAsyncHookHandler;
  /** the signed-in person of a request that passed `require` */
  user(req: FastifyRequest): ConsoleUser;
  /** the audit actor of a request that passed `require`: the person's own username, never a name the client sent */
  actor(req: FastifyRequest): AuditActor;
  /** the hidden `_csrf` input every form that posts must carry */
  csrfField(req: FastifyRequest): SafeHtml;
  /** the whole page: layout, navigation for the person's roles, the CSRF token in <meta name="csrf-token"> */
  page(req: FastifyRequest, opts: PageOptions): string;
}

/** A family of console pages and the JSON they fetch, registered on the admin server's fastify instance. */
export type PageModule = (app: FastifyInstance, kit: PageKit) => void;
