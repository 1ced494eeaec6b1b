// The admin server with the console core on fake people, for attacking it through fastify's
// raw HTTP (paths exactly as written, no client normalising them): no daemon, no browser. Passwords are plain strings; the fake counts every check so a
// test can see that an unknown username costs the same one check a known one does.
import { request } from 'node:http';
import type { ConsoleConfig } from '../../src/admin/config';
import { startAdminServer, type AdminHandlers, type AdminServer } from '../../src/admin/server';
import { registerConsole, type ConsolePerson, type PageModule } from '../../src/console';
import { MemoryFailureCounter } from '../../src/ldap/auth/memory-failure-counter';
import { ManualClock } from '../../src/ports/clock';
import { silentLogger } from '../../src/ports/logger';
import type { AuditDraft } from '../../src/domain/types';

export const CONSOLE_TOKEN = 'console-attack-admin-token';
export const GOOD_PASSWORD = 'the right password';

export interface ConsoleApp {
  server: AdminServer;
  clock: ManualClock;
  people: Map<string, ConsolePerson>;
  /** usernames (as typed) every password check was asked about, in order */
  checked: string[];
  audit: AuditDraft[];
  /** API calls that reached a handler */
  apiCalls: string[];
  close(): Promise<void>;
}

export function person(username: string, extra: Partial<ConsolePerson> = {}): ConsolePerson {
  return { identityId: `id-${username}`, username, displayName: username, state: 'active', dn: `uid=${username},ou=people,dc=example,dc=com`, groups: ['helpdesk'], managesActivePeople: false, ...extra };
}

const CONFIG: ConsoleConfig = {
  enabled: true,
  roles: { helpdesk: ['helpdesk'], operator: ['ops'], reviewer: 'managers' },
  requireMfa: false,
  idleTimeoutMinutes: 15,
  maxLifetimeHours: 12,
  signInAttempts: 3,
  signInWindowMinutes: 15,
};

export async function startConsoleApp(opts: { people?: ConsolePerson[]; modules?: PageModule[]; config?: Partial<ConsoleConfig>; verifyMs?: number } = {}): Promise<ConsoleApp> {
  const clock = new ManualClock(new Date());
  const people = new Map((opts.people ?? [person('ann')]).map((p) => [p.username.toLowerCase(), p]));
  const checked: string[] = [];
  const audit: AuditDraft[] = [];
  const apiCalls: string[] = [];
  const lookup = (u: string) => people.get(u.toLowerCase());
  const handlers: AdminHandlers = {
    resync: async (r) => (apiCalls.push(`resync ${r.user} as ${r.actor}`), { user: r.user, identityId: 'id', correlationId: 'c', dryRun: !!r.dryRun, sources: [], targets: [] }),
    failed: async () => [],
    retry: async () => [],
    health: async () => ({ ok: true }),
    metrics: async () => '',
  };
  const server = await startAdminServer({ kind: 'tcp', host: '127.0.0.1', port: 0 }, CONSOLE_TOKEN, handlers, {
    console: (app) =>
      void registerConsole(
        app,
        {
          config: { ...CONFIG, ...opts.config },
          directory: { person: lookup },
          passwords: {
            totpEnrolled: async () => false,
            verify: async ({ username, password }) => {
              checked.push(username);
              // a real check costs an argon2 verify; a delay lets parallel attempts overlap as they would
              if (opts.verifyMs) await new Promise((r) => setTimeout(r, opts.verifyMs));
              const p = lookup(username);
              return p && p.state === 'active' && password === GOOD_PASSWORD ? { ok: true } : { ok: false, reason: p ? 'wrong password' : 'no such person' };
            },
          },
          audit: { record: async (drafts) => void audit.push(...drafts) },
          failures: new MemoryFailureCounter(clock),
          clock,
          log: silentLogger,
        },
        opts.modules ?? [],
      ),
  });
  return { server, clock, people, checked, audit, apiCalls, close: () => server.close() };
}

export interface Sent {
  method: string;
  url: string;
  headers?: Record<string, string>;
  payload?: string | Buffer;
  /** the client's own loopback address (127.0.0.2, ...): another "client" to the throttle */
  from?: string;
}

export interface Answer {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request with the path as given (no URL normalising), answered in full. */
export function send(c: ConsoleApp, r: Sent): Promise<Answer> {
  const [, host, port] = /^tcp:\/\/(.+):(\d+)$/.exec(c.server.address)!;
  return new Promise((resolve, reject) => {
    const req = request({ host, port: Number(port), method: r.method, path: r.url, headers: r.headers, localAddress: r.from, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ statusCode: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(r.payload);
  });
}

/** `name=value; name2=value2` from the Set-Cookie headers of a response, for the next request. */
export function cookiesOf(setCookie: string | string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of [setCookie ?? []].flat()) {
    const [pair] = c.split(';');
    const at = pair!.indexOf('=');
    out[pair!.slice(0, at)] = pair!.slice(at + 1);
  }
  return out;
}

export const cookieHeader = (jar: Record<string, string>) =>
  Object.entries(jar)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}=${v}`)
    .join('; ');

/** GET /sign-in, then POST it as a browser would; resolves with the session cookie and the page's CSRF token. */
export async function signIn(c: ConsoleApp, username: string, password = GOOD_PASSWORD, headers: Record<string, string> = {}, from?: string) {
  const form = await send(c, { method: 'GET', url: '/sign-in', headers, from });
  const jar = cookiesOf(form.headers['set-cookie']);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
  const res = await send(c, {
    method: 'POST',
    url: '/sign-in',
    headers: { ...headers, cookie: cookieHeader(jar), 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: csrf, username, password, next: '/' }).toString(),
    from,
  });
  const session = cookiesOf(res.headers['set-cookie']).idsync_session;
  let pageCsrf: string | undefined;
  if (session) {
    const home = await send(c, { method: 'GET', url: '/', headers: { cookie: `idsync_session=${session}` } });
    pageCsrf = /<meta name="csrf-token" content="([^"]*)">/.exec(home.body)?.[1];
  }
  return { res, session, csrf: pageCsrf, signInJar: jar };
}
