// Hostile source data and hostile input in a real browser: a person whose HR name is markup, and a
// username typed as markup, must show as text on every console page, run no script and trip no
// Content-Security-Policy violation (which would mean the page relies on something inline).
import type { Page } from 'playwright-core';
import { DEFAULT_PEOPLE, startHarness, type Harness, type Person } from './harness';

const IMG = '<img src=x onerror=alert(1)>';
const SCRIPT = '"><script>alert(2)</script>';
const HOSTILE: Person = { id: 'E9', first: IMG, last: SCRIPT, email: 'xss.person@example.com', department: 'javascript:alert(3)', title: 'Helpdesk' };

/** Records what a page must never do: open a dialog (alert ran), load a script that was injected, or break the CSP. */
function watch(page: Page): { dialogs: string[]; violations: string[] } {
  const seen = { dialogs: [] as string[], violations: [] as string[] };
  page.on('dialog', (d) => {
    seen.dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) seen.violations.push(m.text());
  });
  return seen;
}

/** Elements an escaping slip would have created from the hostile strings. */
const injected = (page: Page) => page.evaluate('document.querySelectorAll("img[src=x], img[onerror], script:not([src])").length');

describe('console with hostile source data', () => {
  let h: Harness;
  let user: string;
  beforeAll(async () => {
    h = await startHarness({ people: [...DEFAULT_PEOPLE, HOSTILE], totp: [] });
    user = await h.username('E9');
  }, 120_000);
  afterAll(async () => h?.close());

  it('shows a person whose name is markup as text on the pages they see, with no script run and no CSP violation', async () => {
    const page = await h.newPage();
    const seen = watch(page);
    await h.signIn(page, user);
    expect(new URL(page.url()).pathname).toBe('/');
    const who = await page.textContent('.who-name');
    expect(who).toContain(IMG);
    expect(who).toContain('<script>');
    const urls = ['/', `/people/${encodeURIComponent(user)}`, `/search.json?q=${encodeURIComponent('<img')}`, '/no/such/page'];
    for (const url of urls) {
      await page.goto(`${h.url}${url}`);
      expect({ url, injected: await injected(page) }).toEqual({ url, injected: 0 });
    }
    await page.goto(`${h.url}/`);
    const search = await page.$('input[type=search], input[name=q]');
    if (search) {
      await search.fill('<img');
      await page.waitForTimeout(800);
      expect(await injected(page)).toBe(0);
    }
    expect(seen).toEqual({ dialogs: [], violations: [] });
  });

  it('echoes a username typed as markup back into the sign-in form as a value, not as elements', async () => {
    const page = await h.newPage();
    const seen = watch(page);
    const typed = `${SCRIPT}${IMG}`;
    await h.signIn(page, typed, 'wrong password', '');
    expect(await page.inputValue('#username')).toBe(typed);
    expect(await injected(page)).toBe(0);
    expect(await page.textContent('[role=alert]')).toBe('Sign-in failed: wrong username, password or code.');
    expect(seen).toEqual({ dialogs: [], violations: [] });
  });
});
