// /sign-in and /sign-out. The password is checked by the LDAP frontend's bind path; a TOTP code is
// required from everyone who has a secret, and from everyone when `requireMfa` is set. Every
// failure answers the same sentence, so the page never tells which part was wrong or who exists.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { html, type SafeHtml } from '../html';
import { newToken } from './sessions';
import { setCookie } from './cookies';
import { rolesOf } from './roles';
import { addressOf, SIGN_IN_COOKIE, SIGN_IN_PATH, type ConsoleCore } from './core';
import type { ConsolePerson } from './deps';

export const WRONG_CREDENTIALS = 'Sign-in failed: wrong username, password or code.';

const ENDED: Record<string, string> = {
  idle: 'Your session ended after a while without activity. Please sign in again.',
  lifetime: 'Your session reached its maximum length. Please sign in again.',
  changed: 'Your session ended because your account or your console roles changed.',
  'signed-out': 'You are signed out.',
};

/**
 * Only a path on this console: never another host (`//evil`, `/\evil`) or scheme. Printable ASCII
 * only: browsers drop tabs and newlines from a Location (`/<TAB>/evil` is `//evil` to them), and a
 * character outside Latin-1 cannot be put in a header at all.
 */
export function safeNext(v: unknown): string {
  return typeof v === 'string' && /^\/(?![/\\])[!-~]*$/.test(v) && !v.includes('\\') ? v : '/';
}

const field = (body: unknown, name: string): string => {
  const v = body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
  return typeof v === 'string' ? v : '';
};

export function signInPages(app: FastifyInstance, core: ConsoleCore): void {
  app.get(SIGN_IN_PATH, async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const next = safeNext(q.next);
    if (core.state(req).user) return reply.code(303).header('location', next).send();
    const notice = q.ended ? ENDED[q.ended] : undefined;
    return form(core, req, reply, 200, { next, notice, username: '' });
  });

  app.post(SIGN_IN_PATH, async (req, reply) => {
    const username = field(req.body, 'username').trim().slice(0, 256);
    const password = field(req.body, 'password');
    const code = field(req.body, 'code').replace(/\s+/g, '');
    const next = safeNext(field(req.body, 'next'));
    const address = addressOf(req);
    const again = (status: number, error: string) => form(core, req, reply, status, { next, error, username });
    const { throttle, deps } = core;
    if (!username || !password) {
      // the form requires both; a client that leaves one out is counted against its address
      await throttle.failed(address, '');
      return again(401, WRONG_CREDENTIALS);
    }
    const person = deps.directory.person(username);
    if (await throttle.throttled(address, username)) {
      await failure(core, username, person, address, 'throttled');
      return again(429, `Too many failed sign-ins from this address or for this person. Wait ${throttle.minutes} minutes and try again.`);
    }
    reply.raw.once('close', throttle.begin(address, username));
    const enrolled = person ? await deps.passwords.totpEnrolled(person.username) : false;
    const mustEnrol = deps.config.requireMfa && !enrolled;
    const check = await deps.passwords.verify({ username, password, code: enrolled ? code : null, address });
    if (!check.ok) {
      if (check.unavailable) {
        await failure(core, username, person, address, check.reason);
        return again(503, 'The directory that checks passwords does not answer. Try again in a few minutes.');
      }
      await throttle.failed(address, username);
      await failure(core, username, person, address, check.reason);
      return again(401, WRONG_CREDENTIALS);
    }
    if (!person || person.state !== 'active') {
      await failure(core, username, person, address, `person is ${person?.state ?? 'absent'}`);
      return again(401, WRONG_CREDENTIALS);
    }
    if (mustEnrol) {
      await failure(core, username, person, address, 'no TOTP enrolment, and the console requires one');
      return again(403, `Sign-in refused: enrol a TOTP code first (an operator runs \`idsync mfa enroll --user ${person.username}\`).`);
    }
    const roles = rolesOf(person, deps.config.roles);
    if (roles.length === 0) {
      await failure(core, username, person, address, 'no console role');
      return again(403, 'Sign-in refused: you hold no console role (admin.console.roles). Ask an operator.');
    }
    await throttle.succeeded(username);
    core.startSession(req, reply, person, roles);
    await core.audit(person.username, 'console.sign-in', subjectOf(person), { address, roles, mfa: enrolled });
    return reply.code(303).header('location', next).send();
  });

  app.post('/sign-out', async (req, reply) => {
    const s = core.signOut(req, reply);
    if (s) await core.audit(s.username, 'console.sign-out', { kind: 'identity', id: s.identityId, username: s.username }, { address: addressOf(req) });
    return reply.code(303).header('location', `${SIGN_IN_PATH}?ended=signed-out`).send();
  });
}

const subjectOf = (p: ConsolePerson) => ({ kind: 'identity', id: p.identityId, username: p.username });

/** A failed attempt is recorded under the name that was typed; a failing audit write never hides the refusal. */
async function failure(core: ConsoleCore, username: string, person: ConsolePerson | null | undefined, address: string, reason: string): Promise<void> {
  const who = person?.username ?? (username || '(empty)');
  const subject = person ? subjectOf(person) : { kind: 'console-sign-in', id: who };
  await core.audit(who, 'console.sign-in.failed', subject, { address, reason }).catch((err: Error) => core.deps.log.error({ err: err.message, username: who }, 'could not audit a failed console sign-in'));
}

interface FormState {
  next: string;
  username: string;
  notice?: string;
  error?: string;
}

function form(core: ConsoleCore, req: FastifyRequest, reply: FastifyReply, status: number, st: FormState): FastifyReply {
  const token = newToken();
  const secure = core.secure(req);
  reply.header('set-cookie', setCookie(SIGN_IN_COOKIE, token, { secure, maxAge: 3600 }));
  const message: SafeHtml | '' = st.error
    ? html`<p class="notice error" role="alert">${st.error}</p>`
    : st.notice
      ? html`<p class="notice" role="status">${st.notice}</p>`
      : '';
  const body = html`${message}
<form method="post" action="${SIGN_IN_PATH}" class="sign-in">
  <input type="hidden" name="_csrf" value="${token}">
  <input type="hidden" name="next" value="${st.next}">
  <label for="username">Username</label>
  <input id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${st.username}"${st.username ? '' : html` autofocus`}>
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required${st.username ? html` autofocus` : ''}>
  <label for="code">Code from your authenticator app <span class="hint">(if you have enrolled one)</span></label>
  <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" maxlength="7">
  <button type="submit">Sign in</button>
</form>`;
  return reply.code(status).type('text/html; charset=utf-8').send(core.page(req, { title: 'Sign in', body, csrf: token }));
}
