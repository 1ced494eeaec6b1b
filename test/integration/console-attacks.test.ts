// The console as a hostile client sees it: redirects off-site, forged and replayed tokens, cookies
// a script could read, throttling dodged by proxy headers, parallel guesses or spelling, bodies and
// paths meant to crash it, and the bearer token and session cookie standing in for each other.
import type { PageModule } from '../../src/console';
import { cookieHeader, cookiesOf, CONSOLE_TOKEN, GOOD_PASSWORD, person, send, signIn, startConsoleApp, type Answer, type ConsoleApp } from '../helpers/console-app';

/** Pages that fail: an internal error whose message names a file, and a request error of the services' kind. */
const failing: PageModule = (app, kit) => {
  app.get('/broken', { preHandler: kit.require() }, async () => {
    throw new Error('SQLITE_CORRUPT: database disk image is malformed (/var/lib/idsync/store.db)');
  });
  app.get('/people/nobody', { preHandler: kit.require() }, async () => {
    throw Object.assign(new Error('no person with username nobody'), { status: 404 });
  });
};

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

function expectHardened(res: Answer, what: string): void {
  const csp = String(res.headers['content-security-policy'] ?? '');
  expect({ what, csp: /script-src 'self'(;|$)/.test(csp) && csp.includes("frame-ancestors 'none'") && !csp.includes('unsafe-inline') }).toEqual({ what, csp: true });
  const h = res.headers;
  expect({ what, xfo: h['x-frame-options'], nosniff: h['x-content-type-options'], referrer: h['referrer-policy'], coop: h['cross-origin-opener-policy'], corp: h['cross-origin-resource-policy'] }).toEqual({
    what,
    xfo: 'DENY',
    nosniff: 'nosniff',
    referrer: 'same-origin',
    coop: 'same-origin',
    corp: 'same-origin',
  });
  expect(res.statusCode).toBeLessThan(500);
  expect(res.body).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
}

describe('console under attack', () => {
  let c: ConsoleApp;
  let session: string;
  let csrf: string;
  beforeAll(async () => {
    c = await startConsoleApp({ people: [person('ann'), person('bob'), person('carol'), person('dora'), person('gone', { state: 'terminated' })], modules: [failing] });
    const s = await signIn(c, 'ann');
    session = s.session!;
    csrf = s.csrf!;
  });
  afterAll(async () => c?.close());
  const asAnn = (extra: Record<string, string> = {}) => ({ cookie: `idsync_session=${session}`, ...extra });

  it('sends the security headers on every console answer, unknown paths and methods and refused bodies included', async () => {
    const answers: [string, Answer][] = [
      ['sign-in page', await send(c, { method: 'GET', url: '/sign-in' })],
      ['home', await send(c, { method: 'GET', url: '/', headers: asAnn() })],
      ['redirect to sign-in', await send(c, { method: 'GET', url: '/' })],
      ['unknown path', await send(c, { method: 'GET', url: '/no/such/page' })],
      ['unknown path signed in', await send(c, { method: 'GET', url: '/people/ann/../../etc/passwd', headers: asAnn() })],
      ['OPTIONS', await send(c, { method: 'OPTIONS', url: '/' })],
      ['unknown asset', await send(c, { method: 'GET', url: '/console/assets/..%2f..%2fpackage.json' })],
      ['asset', await send(c, { method: 'GET', url: '/console/assets/console.js' })],
      ['unsupported type', await send(c, { method: 'POST', url: '/sign-out', headers: asAnn({ 'content-type': 'application/xml' }), payload: '<a/>' })],
      ['bad JSON', await send(c, { method: 'POST', url: '/sign-out', headers: asAnn({ 'content-type': 'application/json', 'x-csrf-token': csrf }), payload: '{"a":' })],
    ];
    for (const [what, res] of answers) {
      expectHardened(res, what);
      if (!what.includes('asset')) expect({ what, cache: res.headers['cache-control'] }).toEqual({ what, cache: 'no-store' });
    }
    expect(answers.find(([w]) => w === 'OPTIONS')![1].statusCode).toBe(404);
  });

  it('serves pages whose only scripts and styles are files under /console/assets (nothing inline for the CSP to allow)', async () => {
    for (const res of [await send(c, { method: 'GET', url: '/sign-in' }), await send(c, { method: 'GET', url: '/', headers: asAnn() })]) {
      const scripts = [...res.body.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
      expect(scripts.length).toBeGreaterThan(0);
      for (const s of scripts) expect(s).toMatch(/^<script src="\/console\/assets\/[a-z0-9._-]+\.js" defer>$/);
      expect(res.body).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    }
  });

  describe('sign-in next= accepts only a path on this console', () => {
    const hostile = ['//evil.example', '/\\evil.example', '/%09/evil.example', '/%0a/evil.example', '/%0d%0aSet-Cookie:x=1', 'https://evil.example/', '%2F%2Fevil.example', '/%5Cevil.example', 'javascript:alert(1)', '%20/x', '/%C4%80', '/%E2%80%A8/evil'];

    it.each(hostile)('after sign-in, next=%s goes home', async (next) => {
      const res = await send(c, { method: 'GET', url: `/sign-in?next=${next}`, headers: asAnn() });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/');
    });

    it.each(hostile)('the sign-in form posted with next=%s goes home', async (next) => {
      const form = await send(c, { method: 'GET', url: '/sign-in' });
      const token = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
      const payload = `_csrf=${token}&username=bob&password=${encodeURIComponent(GOOD_PASSWORD)}&next=${next}`;
      const res = await send(c, { method: 'POST', url: '/sign-in', headers: { ...FORM, cookie: cookieHeader(cookiesOf(form.headers['set-cookie'])) }, payload });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/');
    });

    it('keeps a local path with its query', async () => {
      const res = await send(c, { method: 'GET', url: `/sign-in?next=${encodeURIComponent('/people/ann?tab=audit&page=2')}`, headers: asAnn() });
      expect(res.headers.location).toBe('/people/ann?tab=audit&page=2');
    });
  });

  describe('sessions and CSRF', () => {
    it('sets the session cookie HttpOnly, SameSite=Strict, Path=/ and gives a new id at sign-in, ending the one the browser had', async () => {
      const first = await signIn(c, 'bob');
      expect(String(first.res.headers['set-cookie'])).toMatch(/idsync_session=[^;]+; Path=\/; HttpOnly; SameSite=Strict/);
      // the same browser signs in again, sending the session cookie it has
      const form = await send(c, { method: 'GET', url: '/sign-in' });
      const token = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
      const cookie = `${cookieHeader(cookiesOf(form.headers['set-cookie']))}; idsync_session=${first.session}`;
      const again = await send(c, { method: 'POST', url: '/sign-in', headers: { ...FORM, cookie }, payload: `_csrf=${token}&username=bob&password=${encodeURIComponent(GOOD_PASSWORD)}` });
      const next = cookiesOf(again.headers['set-cookie']).idsync_session;
      expect(next).toBeDefined();
      expect(next).not.toBe(first.session);
      expect((await send(c, { method: 'GET', url: '/', headers: { cookie: `idsync_session=${next}` } })).statusCode).toBe(200);
      const old = await send(c, { method: 'GET', url: '/', headers: { cookie: `idsync_session=${first.session}`, accept: 'application/json' } });
      expect(old.statusCode).toBe(401);
    });

    it('sets the Secure flag when a proxy says the browser came over TLS', async () => {
      const s = await signIn(c, 'bob', GOOD_PASSWORD, { 'x-forwarded-proto': 'https' });
      expect(String(s.res.headers['set-cookie'])).toMatch(/idsync_session=[^;]+;.*Secure/);
    });

    it('ends the session on the server at sign-out: the old cookie replayed is signed out', async () => {
      const s = await signIn(c, 'bob');
      const out = await send(c, { method: 'POST', url: '/sign-out', headers: { ...FORM, cookie: `idsync_session=${s.session}` }, payload: `_csrf=${s.csrf}` });
      expect(out.statusCode).toBe(303);
      const replay = await send(c, { method: 'GET', url: '/', headers: { cookie: `idsync_session=${s.session}` } });
      expect(replay.statusCode).toBe(303);
      expect(replay.headers.location).toMatch(/^\/sign-in\?/);
    });

    it('refuses a sign-out without the CSRF token, or with another session’s token, and keeps the session', async () => {
      const bob = await signIn(c, 'bob');
      for (const payload of ['', `_csrf=${csrf}`, `_csrf=${bob.csrf!.slice(0, -1)}x`]) {
        const res = await send(c, { method: 'POST', url: '/sign-out', headers: { ...FORM, cookie: `idsync_session=${bob.session}` }, payload });
        expect(res.statusCode).toBe(403);
      }
      const still = await send(c, { method: 'GET', url: '/', headers: { cookie: `idsync_session=${bob.session}` } });
      expect(still.statusCode).toBe(200);
    });

    it('refuses a text/plain POST (what a cross-site form can send without a preflight) even with the right token', async () => {
      const res = await send(c, { method: 'POST', url: '/sign-out', headers: asAnn({ 'content-type': 'text/plain', 'x-csrf-token': csrf }), payload: '{"_csrf":"x"}' });
      expect(res.statusCode).toBe(415);
      expect((await send(c, { method: 'GET', url: '/', headers: asAnn() })).statusCode).toBe(200);
    });

    it('refuses a sign-in posted without the form’s own cookie, or with a token from another form (login CSRF)', async () => {
      const mine = await send(c, { method: 'GET', url: '/sign-in' });
      const theirs = await send(c, { method: 'GET', url: '/sign-in' });
      const theirToken = /name="_csrf" value="([^"]+)"/.exec(theirs.body)![1]!;
      const payload = `username=bob&password=${encodeURIComponent(GOOD_PASSWORD)}&_csrf=${theirToken}`;
      const noCookie = await send(c, { method: 'POST', url: '/sign-in', headers: FORM, payload });
      const otherCookie = await send(c, { method: 'POST', url: '/sign-in', headers: { ...FORM, cookie: cookieHeader(cookiesOf(mine.headers['set-cookie'])) }, payload });
      for (const res of [noCookie, otherCookie]) {
        expect(res.statusCode).toBe(403);
        expect(cookiesOf(res.headers['set-cookie']).idsync_session).toBeUndefined();
      }
    });
  });

  describe('throttling', () => {
    const fail = (username: string, from: string, headers: Record<string, string> = {}) => signIn(c, username, 'wrong password', headers, from);

    it('counts failures per client address whatever X-Forwarded-For says', async () => {
      for (let i = 1; i <= 3; i++) expect((await fail(`nobody${i}`, '127.0.0.6', { 'x-forwarded-for': `203.0.113.${i}` })).res.statusCode).toBe(401);
      const right = await signIn(c, 'dora', GOOD_PASSWORD, { 'x-forwarded-for': '198.51.100.7' }, '127.0.0.6');
      expect(right.res.statusCode).toBe(429);
      expect(right.session).toBeUndefined();
    });

    it('counts failures per person whatever the case or surrounding whitespace of the username', async () => {
      expect((await fail('Carol', '127.0.0.7')).res.statusCode).toBe(401);
      expect((await fail('  carol ', '127.0.0.8')).res.statusCode).toBe(401);
      expect((await fail('CAROL\t', '127.0.0.9')).res.statusCode).toBe(401);
      const right = await signIn(c, 'carol', GOOD_PASSWORD, {}, '127.0.0.10');
      expect(right.res.statusCode).toBe(429);
    });

    it('checks an unknown or terminated username with the same password check a known one gets', async () => {
      c.checked.length = 0;
      await fail('no-such-person', '127.0.0.11');
      await signIn(c, 'gone', GOOD_PASSWORD, {}, '127.0.0.11');
      await fail('ann', '127.0.0.12');
      expect(c.checked).toEqual(['no-such-person', 'gone', 'ann']);
    });
  });

  it('answers oversized, malformed and odd requests with a 4xx and keeps serving', async () => {
    const big = await send(c, { method: 'POST', url: '/sign-in', headers: FORM, payload: `username=${'x'.repeat(100_000)}` });
    expect(big.statusCode).toBe(413);
    const longQuery = await send(c, { method: 'GET', url: `/?q=${'a'.repeat(20_000)}`, headers: asAnn() });
    expect([414, 431]).toContain(longQuery.statusCode);
    const manyParams = await send(c, { method: 'GET', url: `/sign-in?${Array.from({ length: 500 }, (_, i) => `next=${i}`).join('&')}` });
    expect(manyParams.statusCode).toBe(200);
    const nestedJson = await send(c, { method: 'POST', url: '/sign-out', headers: asAnn({ 'content-type': 'application/json' }), payload: `{"__proto__":{"admin":true},"_csrf":"${csrf}"}` });
    expect(nestedJson.statusCode).toBeGreaterThanOrEqual(400);
    expect(nestedJson.statusCode).toBeLessThan(500);
    for (const url of ['/console/assets/..%2f..%2fpackage.json', '/console/assets/%2e%2e%2fcore%2fcore.js', '/console/assets/../../package.json', '/console/assets/.%2e/index.js', '/console/assets/console.js%00.png']) {
      const res = await send(c, { method: 'GET', url });
      expect({ url, status: res.statusCode }).toEqual({ url, status: 404 });
      expect(res.body).not.toContain('"name"');
    }
    const head = await send(c, { method: 'HEAD', url: '/' });
    expect(head.statusCode).toBe(303);
    expect((await send(c, { method: 'GET', url: '/', headers: asAnn() })).statusCode).toBe(200);
  });

  it('answers a failing page with a reference, not the internal message, and keeps a request error as it is', async () => {
    const broken = await send(c, { method: 'GET', url: '/broken', headers: asAnn() });
    expect(broken.statusCode).toBe(500);
    expectHardened({ ...broken, statusCode: 400 }, 'internal error');
    expect(broken.body).not.toMatch(/SQLITE|store\.db/);
    expect(JSON.parse(broken.body).error).toMatch(/reference [0-9a-f-]{36}/);
    const missing = await send(c, { method: 'GET', url: '/people/nobody', headers: asAnn() });
    expect(missing.statusCode).toBe(404);
    expect(JSON.parse(missing.body)).toEqual({ error: 'no person with username nobody' });
  });

  it('keeps the bearer token and the session cookie apart: neither stands in for the other', async () => {
    const viaCookie = await send(c, { method: 'POST', url: '/v1/resync', headers: asAnn({ 'content-type': 'application/json', 'x-csrf-token': csrf }), payload: '{"user":"ann"}' });
    expect(viaCookie.statusCode).toBe(401);
    const encoded = await send(c, { method: 'POST', url: '/%761/resync', headers: asAnn({ 'content-type': 'application/json', 'x-csrf-token': csrf }), payload: '{"user":"ann"}' });
    expect(encoded.statusCode).toBe(401);
    expect(c.apiCalls).toEqual([]);
    const auth = { authorization: `Bearer ${CONSOLE_TOKEN}` };
    const page = await send(c, { method: 'GET', url: '/', headers: auth });
    expect(page.statusCode).toBe(303);
    const json = await send(c, { method: 'GET', url: '/', headers: { ...auth, accept: 'application/json' } });
    expect(json.statusCode).toBe(401);
    const post = await send(c, { method: 'POST', url: '/sign-out', headers: { ...auth, ...FORM }, payload: '' });
    expect(post.statusCode).toBe(401);
    const api = await send(c, { method: 'POST', url: '/v1/resync', headers: { ...auth, 'content-type': 'application/json' }, payload: '{"user":"ann","actor":"mallory"}' });
    expect(api.statusCode).toBe(200);
    expect(c.apiCalls).toEqual(['resync ann as token']);
  });
});

describe('console sign-in under parallel guessing', () => {
  let c: ConsoleApp;
  beforeAll(async () => {
    c = await startConsoleApp({ people: [person('erin')], verifyMs: 150 });
  });
  afterAll(async () => c?.close());

  it('lets no more guesses for one person be checked at once than the throttle allows', async () => {
    const forms = await Promise.all(Array.from({ length: 10 }, (_, i) => send(c, { method: 'GET', url: '/sign-in', from: `127.0.1.${i + 1}` })));
    const answers = await Promise.all(
      forms.map((form, i) => {
        const token = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
        const payload = `_csrf=${token}&username=erin&password=guess${i}`;
        return send(c, { method: 'POST', url: '/sign-in', headers: { ...FORM, cookie: cookieHeader(cookiesOf(form.headers['set-cookie'])) }, payload, from: `127.0.1.${i + 1}` });
      }),
    );
    expect(c.checked.length).toBeLessThanOrEqual(3);
    expect(answers.filter((a) => a.statusCode === 429).length).toBeGreaterThanOrEqual(7);
  });
});
