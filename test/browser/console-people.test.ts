// The helpdesk's pages in a real browser: find a person as you type, see why they have what they
// have, preview a resync and run it, and watch the SCIM application receive the change. The same
// pages at a phone's width.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { hrCsv } from '../helpers/cli';
import { DEFAULT_PEOPLE, DEFAULT_ROLES, startHarness, type Harness } from './harness';

const ENGINEERS = `  - { name: engineers, when: 'department == "Engineering"', groups: [eng] }`;

async function until<T>(what: string, fn: () => T | Promise<T>, timeoutMs = 15000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('console: finding a person and resyncing', () => {
  let h: Harness;
  let hana: string;
  let eli: string;
  const scimUser = (userName: string) => [...h.scim!.users.values()].find((u) => u.userName === userName);

  beforeAll(async () => {
    h = await startHarness({ scim: true, roles: [...DEFAULT_ROLES, ENGINEERS] });
    hana = await h.username('E1');
    eli = await h.username('E4');
    await until('the SCIM account of Eli', () => scimUser(eli));
  }, 120_000);
  afterAll(async () => h?.close());

  /** types into the search box a key at a time, never submitting, and waits for the person's link */
  async function typeAndFind(page: Page, text: string, username: string): Promise<void> {
    await page.locator('#people-q').pressSequentially(text, { delay: 40 });
    await page.waitForSelector(`#people-results a[href="/people/${username}"]`, { timeout: 10_000 });
  }

  it('finds a person as the helpdesk types, opens them, previews and runs a resync the SCIM application receives', async () => {
    const page = await h.newPage();
    await h.signIn(page, hana);
    expect(new URL(page.url()).pathname).toBe('/');
    await typeAndFind(page, 'Engin', eli);
    // nothing was submitted: the results came while typing
    expect(new URL(page.url()).search).toBe('');
    expect(await page.textContent(`#people-results li:has(a[href="/people/${eli}"])`)).toContain('Active');
    await h.screenshot(page, 'console-search-1280');

    await page.click(`#people-results a[href="/people/${eli}"]`);
    await page.waitForURL(`**/people/${eli}`);
    const titleRow = page.locator('#attributes tr', { has: page.locator('td[data-label=Attribute]', { hasText: /^title$/ }) });
    expect(await titleRow.locator('td[data-label=Value]').textContent()).toBe('Engineer');
    expect(await titleRow.locator('td[data-label=Source]').textContent()).toMatch(/^hr \(E4\)$/);
    expect(await titleRow.locator('td[data-label=Rule]').textContent()).not.toBe('—');
    const engRow = page.locator('#access tr', { has: page.locator('td[data-label=Access]', { hasText: /^group eng$/ }) });
    expect(await engRow.locator('td[data-label=Rule]').textContent()).toContain('engineers');
    expect(await page.textContent('#accounts tr[data-target=wiki] td[data-label=Status]')).toContain('provisioned');

    // HR promotes Eli; the file changes, no run reads it yet
    writeFileSync(join(h.dir, 'hr.csv'), hrCsv(DEFAULT_PEOPLE.map((p) => (p.id === 'E4' ? { ...p, title: 'Lead Engineer' } : p))));
    await page.selectOption('#resync-target', 'wiki');
    await page.click('button[value=preview]');
    const wiki = page.locator('#resync-job .job-target[data-target=wiki]');
    await wiki.locator('.outcome', { hasText: 'preview only' }).waitFor({ timeout: 15_000 });
    expect((await wiki.locator('.plan').textContent())!.split('\n')).toEqual([`~ update wiki ${eli}`, '~ title: Engineer -> Lead Engineer']);
    expect(scimUser(eli)!.title).toBe('Engineer');

    await page.click('button[value=apply]');
    await page.locator('#resync-job .job[data-status=done]').waitFor({ timeout: 30_000 });
    expect(await wiki.locator('.outcome').textContent()).toBe('applied');
    await h.screenshot(page, 'console-person-resync-1280');
    expect(scimUser(eli)!.title).toBe('Lead Engineer');
    const identity = (await h.daemon.store.getIdentity({ by: 'username', value: eli }))!;
    const resyncAudit = (await h.daemon.store.auditOfSubject(identity.id)).filter((a) => a.action === 'identity.update' && a.actor.kind === 'helpdesk');
    expect(resyncAudit.at(-1)?.actor).toEqual({ kind: 'helpdesk', id: hana });

    await page.reload();
    expect(await page.textContent('#accounts tr[data-target=wiki] td[data-label="Last change"]')).toContain('~ title: Engineer -> Lead Engineer');
    expect(await page.textContent('#audit-table')).toContain(`helpdesk ${hana}`);
    await h.screenshot(page, 'console-person-1280');
  });

  it('works at a phone width of 375 px: no sideways scrolling of the page, tables stacked', async () => {
    const page = await h.newPage({ width: 375, height: 800 });
    await h.signIn(page, hana);
    await typeAndFind(page, 'eli', eli);
    const overflow = () => page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(await overflow()).toBeLessThanOrEqual(0);
    await h.screenshot(page, 'console-search-375');
    await page.click(`#people-results a[href="/people/${eli}"]`);
    await page.waitForURL(`**/people/${eli}`);
    expect(await overflow()).toBeLessThanOrEqual(0);
    // stacked: each cell is a row of its own, labelled, and the header row is hidden
    expect(await page.locator('#attributes thead').isVisible()).toBe(false);
    expect(await page.evaluate(`getComputedStyle(document.querySelector('#attributes td[data-label=Source]')).display`)).toBe('block');
    await page.click('button[value=preview]');
    await page.locator('#resync-job .job[data-status=done]').waitFor({ timeout: 15_000 });
    expect(await overflow()).toBeLessThanOrEqual(0);
    await h.screenshot(page, 'console-person-375');
  });
});
