// A manager reviews their report's access in the console: sees each item with the rule that
// granted it, revokes one with a comment, and the SCIM application loses the account; an item
// assigned to someone else cannot be decided.
import { idsync } from '../helpers/cli';
import { DEFAULT_ROLES, startHarness, type Harness } from './harness';
import { until } from '../integration/provisioning-world';

const ENGINEERING = `  - { name: engineering, when: 'department == "Engineering"', groups: [eng], targets: { wiki: { groups: [developers] } } }`;

describe('console: access reviews', () => {
  let h: Harness;
  let manager: string;
  let report: string;
  const scimUser = (userName: string) => [...h.scim!.users.values()].find((u) => u.userName === userName);

  beforeAll(async () => {
    h = await startHarness({ scim: { caseInsensitiveFilter: true }, roles: [...DEFAULT_ROLES, ENGINEERING] });
    manager = await h.username('E3');
    report = await h.username('E4');
    await until('the report in the SCIM app', async () => scimUser(report)?.active === true, 30000);
    const started = await idsync('review', 'start', '--config', h.config, '--name', 'Q1-2027', '--actor', 'olga');
    expect(started).toMatchObject({ code: 0, stderr: '' });
  }, 120000);
  afterAll(async () => h?.close());

  it('shows the manager their items with the rule, revokes one with a comment, and the target loses the access', async () => {
    const page = await h.newPage();
    await h.signIn(page, manager);
    await page.goto(`${h.url}/reviews`);
    const row = page.locator('table.reviews tbody tr', { hasText: 'Q1-2027' });
    await expect(row.textContent()).resolves.toMatch(/3 pending of 3/);
    await h.screenshot(page, 'reviews-list-1280');

    await row.locator('a').click();
    await page.waitForLoadState('load');
    const items = page.locator('table.review-items tbody tr');
    // the department group, the engineering group and the wiki account
    expect(await items.count()).toBe(3);
    const all = (await items.allTextContents()).join('\n');
    // only the report's items; the manager's own access goes to the operators
    expect(all).toContain(report);
    expect(all).not.toMatch(new RegExp(`\\(${manager}\\)`));
    const account = items.filter({ hasText: 'account in wiki' });
    await expect(account.textContent()).resolves.toMatch(/role:engineering/);
    await expect(account.textContent()).resolves.toMatch(/Pending/);
    await h.screenshot(page, 'reviews-campaign-1280');

    await account.locator('textarea[name=comment]').fill('moved to the "support" team, <no wiki>');
    await account.locator('button[value=revoke]').click();
    await page.waitForLoadState('load');
    await expect(page.locator('.notice').textContent()).resolves.toMatch(/Revoked: account in wiki \[developers\]/);
    const decided = page.locator('table.review-items tbody tr', { hasText: 'account in wiki' });
    await expect(decided.textContent()).resolves.toMatch(new RegExp(`Revoked\\s+by ${manager}`));
    await expect(decided.textContent()).resolves.toContain('moved to the "support" team, <no wiki>');
    await h.screenshot(page, 'reviews-decided-1280');

    await until('the SCIM account disabled', async () => scimUser(report)?.active === false, 30000);
    const identity = (await h.daemon.store.getIdentity({ by: 'username', value: report }))!;
    expect(identity.entitlements.some((e) => e.kind === 'account' && e.name === 'wiki')).toBe(false);
    const audit = (await h.daemon.store.auditOfSubject(identity.id)).filter((r) => r.action.startsWith('review.'));
    expect(audit.map((r) => [r.action, r.actor])).toEqual([
      ['review.decide', { kind: 'helpdesk', id: manager }],
      ['review.exception', { kind: 'helpdesk', id: manager }],
    ]);
    expect(audit[0].after).toMatchObject({ decision: 'revoke', comment: 'moved to the "support" team, <no wiki>' });

    const status = JSON.parse((await idsync('review', 'status', '--config', h.config, '--name', 'Q1-2027', '--json')).stdout);
    expect(status[0]).toMatchObject({ decided: 1, revoked: 1 });
  });

  it('refuses (403) a decision on an item assigned to someone else', async () => {
    const page = await h.newPage();
    await h.signIn(page, manager);
    await page.goto(`${h.url}/reviews/Q1-2027`);
    const csrf = (await page.getAttribute('meta[name="csrf-token"]', 'content'))!;
    const campaign = (await h.daemon.store.getReviewCampaign('Q1-2027'))!;
    const me = (await h.daemon.store.getIdentity({ by: 'username', value: manager }))!;
    const [others] = await h.daemon.store.listReviewItems({ campaignId: campaign.id, identityId: me.id });
    expect(others.reviewer).toBe('operators');
    const res = await page.request.post(`${h.url}/reviews/Q1-2027/items/${others.id}`, { form: { _csrf: csrf, decision: 'revoke' } });
    expect(res.status()).toBe(403);
    expect(await res.text()).toMatch(/this item is not assigned to you/);
    expect((await h.daemon.store.getReviewItem(others.id))?.decision).toBeNull();
    // and without the CSRF token the core refuses it before the page sees it
    const bare = await page.request.post(`${h.url}/reviews/Q1-2027/items/${others.id}`, { form: { decision: 'keep' } });
    expect(bare.status()).toBe(403);
  });

  it('shows the operators their items, and works at phone width', async () => {
    const page = await h.newPage({ width: 375, height: 800 });
    const operator = await h.username('E2');
    await h.signIn(page, operator);
    await page.goto(`${h.url}/reviews/Q1-2027`);
    const opsTable = page.locator('table.review-items', { has: page.locator('caption', { hasText: 'Assigned to the operators' }) });
    expect(await opsTable.count()).toBe(1);
    await expect(opsTable.textContent()).resolves.toContain(manager);
    expect(await opsTable.locator('button[value=keep]').count()).toBeGreaterThan(0);
    // the stacked layout labels every cell and fits the width
    await expect(page.locator('td[data-label="Granted by"]').first().isVisible()).resolves.toBe(true);
    const width = await page.evaluate('document.documentElement.scrollWidth');
    expect(width).toBeLessThanOrEqual(375);
    await h.screenshot(page, 'reviews-campaign-375');
    await page.goto(`${h.url}/reviews`);
    await h.screenshot(page, 'reviews-list-375');
  });
});
