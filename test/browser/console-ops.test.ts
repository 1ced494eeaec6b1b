// The operator pages in a real browser: a held run allowed, a dispute joined, a dead letter retried,
// each audited under the operator who signed in; a helpdesk person sees none of it and is refused.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { hrCsv, type Person } from '../helpers/cli';
import { listDeadLetters } from '../../src/services/provisioning/dead-letters';
import { DEFAULT_PEOPLE, startHarness, type Harness } from './harness';

const clerks: Person[] = [
  { id: 'E6', first: 'Ann', last: 'Able', department: 'Support', title: 'Clerk', email: 'team@example.com' },
  { id: 'E7', first: 'Ben', last: 'Baker', department: 'Support', title: 'Clerk', email: 'team@example.com' },
  { id: 'E8', first: 'Cy', last: 'Cole', department: 'Sales', title: 'Rep' },
  { id: 'E9', first: 'Di', last: 'Dorn', department: 'Sales', title: 'Rep' },
];
const staff = [...DEFAULT_PEOPLE, ...clerks];
const BADGES = '  - { name: badges, kind: csv, path: {dir}/badges.csv, authoritative: false, join: [mail], precedence: 50, settleSeconds: 0 }';

async function until(what: string, check: () => Promise<boolean>, ms = 20000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Clicks a submit button and resolves once the answer page has loaded, with its HTTP status. */
async function submit(page: Page, button: ReturnType<Page['getByRole']>): Promise<number> {
  const answered = page.waitForResponse((r) => r.request().method() === 'POST');
  await button.click();
  const status = (await answered).status();
  await page.waitForLoadState('load');
  return status;
}

/** The page fits the viewport: nothing but a table's own box scrolls sideways. */
const fitsWidth = (page: Page) => page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth');

async function signedIn(h: Harness, employeeId: string): Promise<Page> {
  const page = await h.newPage();
  await h.signIn(page, await h.username(employeeId));
  return page;
}

/** A screenshot at a phone's width and one at 1280 px, checking the phone view needs no sideways scrolling. */
async function screenshots(h: Harness, page: Page, name: string): Promise<void> {
  await page.setViewportSize({ width: 375, height: 800 });
  expect(await fitsWidth(page)).toBe(true);
  await h.screenshot(page, `${name}-phone`);
  await page.setViewportSize({ width: 1280, height: 800 });
  await h.screenshot(page, name);
}

describe('operator pages: held runs and disputes', () => {
  let h: Harness;
  let heldId: string;
  let disputeId: string;
  let operator: string;

  beforeAll(async () => {
    h = await startHarness({ people: staff, sourceExtra: ', safety: { maxRemovals: 1 }', sources: [BADGES] });
    operator = await h.username('E2');
    // two leavers at once is more than the source allows without a person's say
    await h.sync([...staff.filter((p) => p.id !== 'E8' && p.id !== 'E9'), { id: 'E10', first: 'Neu', last: 'Comer', department: 'Sales', title: 'Rep' }]);
    const [held] = await h.daemon.store.listRuns({ status: ['held'] });
    heldId = held!.id;
    // the badge office's record carries the mailbox both clerks share
    writeFileSync(join(h.dir, 'badges.csv'), hrCsv([{ id: 'B7', first: 'Ben', last: 'Baker', email: 'team@example.com', department: 'Support', title: 'Badge keeper', location: 'Gate 2' }]));
    await h.daemon.engine.runSource('badges');
    const [dispute] = await h.daemon.store.listDisputes(true);
    disputeId = dispute!.id;
  });
  afterAll(() => h?.close());

  it('shows a helpdesk person no operator navigation or buttons, and refuses their POSTs with 403 even with a valid CSRF token', async () => {
    const page = await signedIn(h, 'E1');
    await page.goto(`${h.url}/`);
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link').allTextContents()).not.toEqual(expect.arrayContaining(['Runs']));
    expect(await nav.getByRole('link', { name: /Runs|Dead letters|Disputes/ }).count()).toBe(0);
    const csrf = await h.csrfToken(page);
    expect(csrf).toBeTruthy();

    for (const path of ['/ops/runs', '/ops/dead-letters', '/ops/disputes']) {
      const res = await page.goto(`${h.url}${path}`);
      expect(res?.status()).toBe(403);
      expect(await page.getByRole('button', { name: /Allow|Retry|Join to/ }).count()).toBe(0);
    }
    const posts: Array<[string, Record<string, string>]> = [
      [`/ops/runs/${encodeURIComponent(heldId)}/allow`, {}],
      [`/ops/disputes/${encodeURIComponent(disputeId)}/resolve`, { identityId: 'whoever' }],
      ['/ops/dead-letters/retry', { target: 'wiki' }],
    ];
    for (const [path, form] of posts) {
      const refused = await page.request.post(`${h.url}${path}`, { form: { ...form, _csrf: csrf }, maxRedirects: 0 });
      expect([path, refused.status(), (await refused.json()).error]).toEqual([path, 403, expect.stringMatching(/needs the operator role/)]);
    }
    // the same request without the token is refused for the token: the one above got past CSRF
    const noToken = await page.request.post(`${h.url}${posts[0]![0]}`, { form: {}, maxRedirects: 0 });
    expect([noToken.status(), (await noToken.json()).error]).toEqual([403, expect.stringMatching(/CSRF/)]);
    expect((await h.daemon.store.getRun(heldId))?.status).toBe('held');
    expect((await h.daemon.store.listDisputes(true)).map((d) => d.id)).toEqual([disputeId]);
  });

  it('shows an operator the held run with its counts and first people, and allowing it applies it under their name', async () => {
    const [cy, di] = [await h.username('E8'), await h.username('E9')];
    const page = await signedIn(h, 'E2');
    await page.goto(`${h.url}/ops/runs`);
    const card = page.locator(`section.held-run[data-run="${heldId}"]`);
    const count = (name: string) => card.locator(`td[data-count="${name}"]`).textContent();
    expect([await count('creates'), await count('terminations'), await count('access removals')]).toEqual(['1', '2', '2']);
    const people = await card.locator('.ops-people li').allTextContents();
    expect(people.slice(0, 2)).toEqual([expect.stringContaining(`- terminate ${cy}`), expect.stringContaining(`- terminate ${di}`)]);
    expect(people[0]).toContain('(loses access)');
    expect(people).toEqual(expect.arrayContaining([expect.stringContaining('+ create ncomer (E10)')]));
    expect(await card.textContent()).toMatch(/Why held\s*run would terminate or suspend 2 people, more than the limit of 1/);
    await screenshots(h, page, 'ops-runs');

    expect(await submit(page, card.getByRole('button', { name: `Allow run ${heldId}` }))).toBe(200);
    expect(await page.locator('.notice.done').textContent()).toMatch(new RegExp(`run ${heldId} allowed by ${operator} and applied: 1 created, .*2 terminated`));
    expect(await page.locator(`section.held-run[data-run="${heldId}"]`).count()).toBe(0);
    expect((await h.daemon.store.getRun(heldId))?.status).toBe('allowed');
    expect((await h.daemon.store.getIdentity({ by: 'username', value: cy }))?.state).toBe('terminated');
    const allowed = (await h.daemon.store.auditOfSubject(heldId)).find((a) => a.action === 'run.allowed');
    expect(allowed?.actor).toEqual({ kind: 'helpdesk', id: operator });
  });

  it('shows a dispute with the record beside its candidates, and "Join to" links the record and records the decision', async () => {
    const [ann, ben] = [await h.username('E6'), await h.username('E7')];
    const page = await signedIn(h, 'E2');
    await page.goto(`${h.url}/ops/disputes`);
    const card = page.locator(`section.dispute[data-dispute="${disputeId}"]`);
    expect(await card.locator('thead th').allTextContents()).toEqual(['Attribute', 'Record B7', `${ann} (active)`, `${ben} (active)`]);
    const row = async (name: string) => card.locator('tbody tr', { has: page.locator(`th:text-is("${name}")`) }).locator('td').allTextContents();
    expect(await row('title')).toEqual(['Badge keeper', 'Clerk', 'Clerk']);
    expect(await row('mail')).toEqual(['team@example.com', 'team@example.com (same)', 'team@example.com (same)']);
    await screenshots(h, page, 'ops-disputes');

    expect(await submit(page, card.getByRole('button', { name: `Join to ${ben}` }))).toBe(200);
    expect(await page.locator('.notice.done').textContent()).toMatch(new RegExp(`badges record B7 joined to ${ben} by ${operator}; linked to ${ben}`));
    const resolved = page.locator(`table.resolved tr[data-dispute="${disputeId}"] td`);
    expect(await resolved.allTextContents()).toEqual(['badges record B7', ben, operator, expect.stringMatching(/UTC$/)]);

    const benNow = await h.daemon.store.getIdentity({ by: 'username', value: ben });
    expect((await h.daemon.store.getSourceRecord('badges', 'B7'))?.identityId).toBe(benNow!.id);
    expect(benNow?.links).toEqual(expect.arrayContaining([{ source: 'badges', externalId: 'B7' }]));
    expect(benNow?.attributes.location).toBe('Gate 2');
    const [decided] = (await h.daemon.store.listDisputes(false)).filter((d) => d.id === disputeId);
    expect(decided?.resolution).toMatchObject({ identityId: benNow!.id, username: ben, decidedBy: { kind: 'helpdesk', id: operator } });
    expect((await h.daemon.store.auditOfSubject(disputeId)).at(-1)).toMatchObject({ action: 'dispute.resolve', actor: { kind: 'helpdesk', id: operator } });

    // a second decision on the same dispute is refused with the reason
    const again = await page.request.post(`${h.url}/ops/disputes/${encodeURIComponent(disputeId)}/resolve`, {
      form: { identityId: benNow!.id, _csrf: await h.csrfToken(page) },
    });
    expect(again.status()).toBe(409);
    expect(await again.text()).toMatch(/already resolved/);
  });
});

describe('operator pages: dead letters and held removals at a target', () => {
  let h: Harness;
  // ten accounts or more: a target that small is judged by its removal percentage too
  const crowd: Person[] = Array.from({ length: 10 }, (_, i) => ({ id: `E${20 + i}`, first: `Pat${i}`, last: 'Crowd', department: 'Sales', title: 'Rep' }));
  const people = [...DEFAULT_PEOPLE, ...crowd];

  beforeAll(async () => {
    h = await startHarness({ scim: true, people });
  });
  afterAll(() => h?.close());

  it('lists a dead letter with its target, person, error and attempts, and Retry sends it again under the operator', async () => {
    const operator = await h.username('E2');
    // the application rejects every new account until someone fixes it
    h.scim!.inject({ status: 400, method: 'POST', path: /Users/, times: Infinity });
    await h.sync([...people, { id: 'E11', first: 'Nia', last: 'New', department: 'Sales', title: 'Rep' }]);
    const nia = await h.username('E11');
    await until('the dead letter', async () => (await listDeadLetters(h.daemon.store)).some((l) => l.username === nia));
    h.scim!.clearFaults();

    const page = await signedIn(h, 'E2');
    await page.goto(`${h.url}/ops/dead-letters`);
    const row = page.locator('table.dead-letters tbody tr', { hasText: nia });
    const cells = await row.locator('td').allTextContents();
    expect(cells.slice(0, 2)).toEqual(['wiki', nia]);
    expect(cells[2]).toMatch(/400/);
    expect(Number(cells[3])).toBeGreaterThanOrEqual(1);
    expect(await page.getByRole('button', { name: /^Retry all 1 dead letter of target wiki$/ }).count()).toBe(1);
    await screenshots(h, page, 'ops-dead-letters');

    expect(await submit(page, row.getByRole('button', { name: `Retry ${nia} in wiki` }))).toBe(200);
    expect(await page.locator('.notice.done').textContent()).toContain('1 job(s) of wiki sent again');
    await until('the account in the application', async () => [...h.scim!.users.values()].some((u) => u.userName === nia));
    await until('no dead letters', async () => (await listDeadLetters(h.daemon.store)).length === 0);
    const identity = await h.daemon.store.getIdentity({ by: 'username', value: nia });
    const retried = (await h.daemon.store.auditOfSubject(identity!.id)).find((a) => a.action === 'provisioning.retry');
    expect(retried).toMatchObject({ actor: { kind: 'helpdesk', id: operator }, after: { target: 'wiki', status: 'pending' } });
  });

  it('shows held removals of a target with the people they concern, and Allow releases them to the target', async () => {
    const operator = await h.username('E2');
    const leavers = [await h.username('E20'), await h.username('E21')];
    // two leavers are 2 of 12 accounts in wiki, over its 10 % limit: the removals wait for a person
    await h.sync([...people.filter((p) => p.id !== 'E20' && p.id !== 'E21'), { id: 'E11', first: 'Nia', last: 'New', department: 'Sales', title: 'Rep' }]);
    await until('the held target run', async () => (await h.daemon.store.listRuns({ source: 'target:wiki', status: ['held'] })).length === 1);
    const [held] = await h.daemon.store.listRuns({ source: 'target:wiki', status: ['held'] });
    await until('both removals held', async () => ((await h.daemon.store.getRun(held!.id))?.counts.seen ?? 0) === 2);

    const page = await signedIn(h, 'E2');
    await page.goto(`${h.url}/ops/runs`);
    const card = page.locator(`section.held-run[data-run="${held!.id}"]`);
    expect(await card.textContent()).toContain('held removals of a target (released to its queue)');
    const count = (name: string) => card.locator(`td[data-count="${name}"]`).textContent();
    expect([await count('terminations'), await count('access removals')]).toEqual(['2', '2']);
    expect((await card.locator('.ops-people li').allTextContents()).sort()).toEqual(leavers.map((u) => `${u} (loses access): - remove access in wiki for ${u} (now terminated)`).sort());
    const accounts = async () => Promise.all(leavers.map(async (u) => (await h.daemon.store.getTargetAccount('wiki', (await h.daemon.store.getIdentity({ by: 'username', value: u }))!.id))?.status));
    expect(await accounts()).toEqual(['provisioned', 'provisioned']);

    expect(await submit(page, card.getByRole('button', { name: `Allow run ${held!.id}` }))).toBe(200);
    expect(await page.locator('.notice.done').textContent()).toContain(`run ${held!.id} allowed by ${operator}: 2 job(s) released and sent`);
    await until('the removals applied in wiki', async () => (await accounts()).every((s) => s === 'disabled' || s === 'deleted'));
    expect((await h.daemon.store.auditOfSubject(held!.id)).find((a) => a.action === 'run.allowed')?.actor).toEqual({ kind: 'helpdesk', id: operator });
  });
});
