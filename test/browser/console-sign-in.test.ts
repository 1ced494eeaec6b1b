// Signing in to the helpdesk console in a real browser: password and TOTP through the LDAP
// frontend's bind path, one answer for every wrong credential, sessions that end when their
// holder's state or roles change or when they sit idle, CSRF on every POST, and throttling.
import type { Page } from 'playwright-core';
import { setPassword } from '../helpers/ldap-bind';
import { timeStepAt, totpCode } from '../../src/ldap/auth/totp';
import { DEFAULT_CONSOLE, DEFAULT_PEOPLE, PASSWORD, startHarness, type Harness, type Person } from './harness';

const WRONG = 'Sign-in failed: wrong username, password or code.';

const auditOf = (h: Harness, employeeId: string, action: string) => h.audit(employeeId, action);

const alert = (page: Page) => page.textContent('[role=alert]');
const withPerson = (id: string, change: Partial<Person>) => DEFAULT_PEOPLE.map((p) => (p.id === id ? { ...p, ...change } : p));

describe('console sign-in', () => {
  let h: Harness;
  let hana: string;
  beforeAll(async () => {
    // the harness sets signInAttempts: 50 (failures from 127.0.0.1 add up); throttling has its own harness below
    h = await startHarness();
    hana = await h.username('E1');
  }, 120_000);
  afterAll(async () => h?.close());

  it('signs a helpdesk agent in with password and TOTP code and lands on the home page, audited under their name', async () => {
    const page = await h.newPage();
    await page.goto(`${h.url}/`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await h.signIn(page, hana);
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await page.textContent('.who-name')).toContain(hana);
    expect(await page.getAttribute('nav[aria-label=Main] a[aria-current=page]', 'href')).toBe('/');
    const cookie = (await page.context().cookies()).find((c) => c.name === 'idsync_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(Buffer.from(cookie.value, 'base64url')).toHaveLength(32);
    await h.screenshot(page, 'console-home-1280');
    const signIns = await auditOf(h, 'E1', 'console.sign-in');
    expect(signIns.at(-1)).toMatchObject({ actor: { kind: 'helpdesk', id: hana }, subject: { username: hana }, after: { roles: ['helpdesk'], mfa: true } });
  });

  it('refuses a wrong code and a wrong password with the same message, and signs nobody in', async () => {
    const page = await h.newPage();
    const secret = h.totpSecret(hana)!;
    await page.goto(`${h.url}/sign-in`);
    await page.fill('#username', hana);
    await page.fill('#password', PASSWORD);
    // a well-formed code that is not the current one (nor the one before or after)
    const valid = [-1, 0, 1].map((d) => totpCode(secret, timeStepAt(new Date()) + d));
    await page.fill('#code', ['000000', '111111', '222222', '333333'].find((c) => !valid.includes(c))!);
    await page.click('form.sign-in button[type=submit]');
    expect(await alert(page)).toBe(WRONG);
    // the code is not even asked for: a wrong password alone must fail the same way
    await h.signIn(page, hana, 'not the password', '');
    expect(await alert(page)).toBe(WRONG);
    await h.signIn(page, hana, PASSWORD, '');
    expect(await alert(page)).toBe(WRONG);
    expect((await page.context().cookies()).some((c) => c.name === 'idsync_session')).toBe(false);
    expect((await auditOf(h, 'E1', 'console.sign-in.failed')).map((a) => (a.after as { reason: string }).reason)).toEqual(
      expect.arrayContaining(['wrong password', 'wrong, reused or unenrolled TOTP code']),
    );
  });

  it('protects the sign-in form itself with a token, and refuses an empty username or password', async () => {
    const page = await h.newPage();
    await page.goto(`${h.url}/sign-in`);
    const token = (await page.getAttribute('input[name=_csrf]', 'value'))!;
    const forged = await page.request.post(`${h.url}/sign-in`, { form: { username: hana, password: PASSWORD }, maxRedirects: 0 });
    expect(forged.status()).toBe(403);
    const empty = await page.request.post(`${h.url}/sign-in`, { form: { _csrf: token, username: hana, password: '' }, maxRedirects: 0 });
    expect(empty.status()).toBe(401);
    expect(await empty.text()).toContain(WRONG);
  });

  it('refuses a terminated person with the right password, and a person without a console role', async () => {
    const gone = await h.username('E5');
    await setPassword(h.credentials, gone, PASSWORD);
    const page = await h.newPage();
    await h.signIn(page, gone);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(await alert(page)).toBe(WRONG);
    await h.signIn(page, await h.username('E4'));
    expect(await alert(page)).toContain('you hold no console role');
    expect((await page.context().cookies()).some((c) => c.name === 'idsync_session')).toBe(false);
  });

  it('signs a person out on their next request once their state changes', async () => {
    const mia = await h.username('E3');
    const page = await h.newPage();
    await h.signIn(page, mia);
    expect(await page.textContent('.who-name')).toContain('reviewer');
    await h.sync(withPerson('E3', { status: 'leave' }));
    try {
      await page.goto(`${h.url}/`);
      expect(new URL(page.url()).pathname).toBe('/sign-in');
      expect(await page.textContent('[role=status]')).toContain('your account or your console roles changed');
      expect(await auditOf(h, 'E3', 'console.session.end')).toEqual([expect.objectContaining({ after: expect.objectContaining({ reason: 'changed', now: expect.objectContaining({ state: 'suspended' }) }) })]);
    } finally {
      await h.sync(DEFAULT_PEOPLE);
    }
  });

  it('signs a person out on their next request once their roles change', async () => {
    const otto = await h.username('E2');
    const page = await h.newPage();
    await h.signIn(page, otto);
    expect(await page.textContent('.who-name')).toContain('operator');
    await h.sync(withPerson('E2', { title: 'Helpdesk' }));
    try {
      await page.goto(`${h.url}/`);
      expect(new URL(page.url()).pathname).toBe('/sign-in');
    } finally {
      await h.sync(DEFAULT_PEOPLE);
    }
  });

  it('refuses a POST without the CSRF token (403) and accepts it with the token', async () => {
    const page = await h.newPage();
    await h.signIn(page, await h.username('E3'));
    const none = await page.request.post(`${h.url}/sign-out`, { form: { other: 'x' }, maxRedirects: 0 });
    expect(none.status()).toBe(403);
    expect((await none.json()).error).toMatch(/CSRF token/);
    const wrong = await page.request.post(`${h.url}/sign-out`, { headers: { 'x-csrf-token': 'x'.repeat(43) }, maxRedirects: 0 });
    expect(wrong.status()).toBe(403);
    await page.reload();
    expect(new URL(page.url()).pathname).toBe('/');
    const right = await page.request.post(`${h.url}/sign-out`, { headers: { 'x-csrf-token': await h.csrfToken(page) }, maxRedirects: 0 });
    expect(right.status()).toBe(303);
    await page.goto(`${h.url}/`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
  });

  it('answers a script without a session 401 in JSON, and sends a browser to the sign-in page', async () => {
    const page = await h.newPage();
    const script = await page.request.get(`${h.url}/`, { headers: { accept: 'application/json' }, maxRedirects: 0 });
    expect(script.status()).toBe(401);
    expect((await script.json()).error).toMatch(/sign in first/);
    const home = await page.request.get(`${h.url}/`, { headers: { accept: 'text/html' }, maxRedirects: 0 });
    expect(home.status()).toBe(303);
    expect(home.headers().location).toBe('/sign-in?next=%2F');
  });

  it('signs out with the button, audited', async () => {
    const page = await h.newPage();
    await h.signIn(page, await h.username('E2'));
    const before = (await auditOf(h, 'E2', 'console.sign-out')).length;
    await page.click('form.sign-out button');
    await page.waitForURL((u) => u.pathname === '/sign-in');
    expect(await page.textContent('[role=status]')).toBe('You are signed out.');
    expect(await auditOf(h, 'E2', 'console.sign-out')).toHaveLength(before + 1);
  });

  it('ends a session after the idle timeout', async () => {
    const page = await h.newPage();
    await h.signIn(page, hana);
    h.clock.advance(14 * 60_000);
    await page.goto(`${h.url}/`);
    expect(new URL(page.url()).pathname).toBe('/');
    h.clock.advance(14 * 60_000);
    await page.goto(`${h.url}/`);
    expect(new URL(page.url()).pathname).toBe('/');
    h.clock.advance(16 * 60_000);
    await page.goto(`${h.url}/`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(await page.textContent('[role=status]')).toContain('without activity');
  });

  it('shows a sign-in page usable at 1280 px and at 375 px', async () => {
    for (const width of [1280, 375]) {
      const page = await h.newPage({ width, height: 800 });
      await page.goto(`${h.url}/sign-in`);
      // evaluated in the page (a string: this file is compiled without the DOM types)
      const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      expect(overflow).toBeLessThanOrEqual(0);
      const box = (await page.locator('#password').boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(width);
      await h.screenshot(page, `console-sign-in-${width}`);
    }
  });
});

describe('console sign-in with requireMfa and three attempts', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ console: [...DEFAULT_CONSOLE, '    requireMfa: true', '    signInAttempts: 3'] });
  }, 120_000);
  afterAll(async () => h?.close());

  it('refuses a person without a TOTP secret when the console requires one, and lets an enrolled one in', async () => {
    const page = await h.newPage();
    await h.signIn(page, await h.username('E3'));
    expect(await alert(page)).toContain('enrol a TOTP code first');
    expect((await auditOf(h, 'E3', 'console.sign-in.failed')).at(-1)).toMatchObject({ after: { reason: 'no TOTP enrolment, and the console requires one' } });
    await h.signIn(page, await h.username('E2'));
    expect(new URL(page.url()).pathname).toBe('/');
  });

  it('refuses even the right password and code after too many failures for one person or from one address', async () => {
    const hana = await h.username('E1');
    const page = await h.newPage();
    for (let i = 0; i < 3; i++) {
      await h.signIn(page, hana, `wrong password ${i}`, '');
      expect(await alert(page)).toBe(WRONG);
    }
    await h.signIn(page, hana);
    expect(await alert(page)).toContain('Too many failed sign-ins');
    // the address is throttled too: another person from the same address waits as well
    await h.signIn(page, await h.username('E2'));
    expect(await alert(page)).toContain('Too many failed sign-ins');
    expect((await auditOf(h, 'E1', 'console.sign-in.failed')).at(-1)).toMatchObject({ after: { reason: 'throttled' } });
  });
});
