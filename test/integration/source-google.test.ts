import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/loader';
import { openSource } from '../../src/connectors/sources/registry';
import { ManualClock } from '../../src/ports/clock';
import { GoogleSource } from '../../src/connectors/sources/google/connector';
import { validateSourceConfig } from '../../src/connectors/sources/registry';
import type { GoogleSourceConfig } from '../../src/connectors/sources/google/config';
import { makeServiceAccount, startGoogleDirectoryFake, type GoogleDirectoryFake } from '../fakes/google-directory';

const ADMIN = 'admin@acme.com';

function user(id: string, local: string, extra: Record<string, unknown> = {}) {
  return { id, primaryEmail: `${local}@acme.com`, name: { givenName: local, familyName: 'Doe' }, suspended: false, archived: false, ...extra };
}

describe('google source against the Directory fake', () => {
  let fake: GoogleDirectoryFake;
  let credentials: string;
  const sleeps: number[] = [];

  beforeEach(async () => {
    fake = await startGoogleDirectoryFake({ subject: ADMIN });
    const sa = makeServiceAccount(fake.tokenUrl);
    fake.accounts.set(sa.clientEmail, sa.publicKey);
    credentials = sa.json;
    sleeps.length = 0;
  });
  afterEach(() => fake.close());

  function open(over: Record<string, unknown> = {}) {
    const checked = validateSourceConfig({ name: 'gws', kind: 'google', subject: ADMIN, credentials, apiUrl: fake.url, pageSize: 2, ...over });
    if (!checked.ok) throw new Error(JSON.stringify(checked.issues));
    return new GoogleSource(checked.config as GoogleSourceConfig, { sleep: async (ms) => void sleeps.push(ms) });
  }

  it('reads every page of users and deleted users, maps states, ids, employeeId, organisation and manager', async () => {
    fake.users.push(
      user('100', 'boss', { externalIds: [{ type: 'organization', value: 'E1' }], organizations: [{ department: 'Ops', title: 'Boss' }] }),
      user('101', 'ann', { relations: [{ type: 'manager', value: 'boss@acme.com' }], organizations: [{ department: 'X' }, { primary: true, department: 'Eng', title: 'Dev' }] }),
      user('102', 'sus', { suspended: true }),
      user('103', 'arc', { archived: true }),
      user('104', 'ext', { relations: [{ type: 'manager', value: 'someone@other.com' }] }),
    );
    fake.deletedUsers.push(user('900', 'gone'));
    const snap = await open().read();
    expect(snap).toMatchObject({ mode: 'full', complete: true, incompleteReason: null });
    const by = Object.fromEntries(snap.records.map((r) => [r.externalId, r.attributes]));
    expect(Object.keys(by).sort()).toEqual(['100', '101', '102', '103', '104', '900']);
    expect(by['100']).toMatchObject({ employeeId: 'E1', department: 'Ops', title: 'Boss', mail: 'boss@acme.com', login: 'boss@acme.com', status: 'active', givenName: 'boss', sn: 'Doe' });
    expect(by['101']).toMatchObject({ department: 'Eng', title: 'Dev', manager: '100' });
    expect(by['104'].manager).toBe('someone@other.com');
    expect(by['102'].status).toBe('leave');
    expect(by['103'].status).toBe('leave');
    expect(by['900'].status).toBe('terminated');
    const userPages = fake.queries.filter((q) => q.path === '/admin/directory/v1/users' && q.query.showDeleted !== 'true');
    expect(userPages.map((q) => q.query.pageToken)).toEqual([undefined, 'tok-2', 'tok-4']);
    expect(userPages[0].query).toMatchObject({ customer: 'my_customer', maxResults: '2', projection: 'full' });
    expect(fake.queries.some((q) => q.query.showDeleted === 'true')).toBe(true);
    expect(fake.tokensIssued).toBe(1); // cached across pages
  });

  it('reads groups with paged members, USER members as user ids and GROUP members as nested groups, with include; the prefix is left to the sync', async () => {
    fake.users.push(user('1', 'a'), user('2', 'b'), user('3', 'c'));
    fake.groups.push(
      { id: 'g1', email: 'eng@acme.com', name: 'Engineering', members: [{ id: '1', type: 'USER' }, { id: '2', type: 'USER' }, { email: 'c@acme.com', type: 'USER' }, { id: 'g2', type: 'GROUP' }] },
      { id: 'g2', email: 'sre@acme.com', name: 'SRE', members: [{ id: '3', type: 'USER' }, { id: 'x-outside', type: 'USER' }] },
      { id: 'g3', email: 'all@acme.com', name: 'Everyone', members: [{ id: 'C01', type: 'CUSTOMER' }] },
    );
    const snap = await open({ groups: { include: ['^(Engineering|SRE)$'], prefix: 'gws-' } }).read();
    expect(snap.complete).toBe(true);
    expect(snap.groups).toEqual([
      expect.objectContaining({ externalId: 'g1', name: 'Engineering', members: ['1', '2', '3'], memberGroups: ['g2'] }),
      expect.objectContaining({ externalId: 'g2', name: 'SRE', members: ['3'], memberGroups: [] }),
    ]);
    expect(fake.queries.filter((q) => q.path === '/admin/directory/v1/groups/g1/members').length).toBe(1);
  });

  it('signs a JWT the token endpoint verifies; a wrong subject or key is refused and the read is incomplete naming the call', async () => {
    fake.users.push(user('1', 'a'));
    fake.subject = 'other@acme.com';
    const snap = await open().read();
    expect(snap.complete).toBe(false);
    expect(snap.incompleteReason).toMatch(/users page 1 \(GET \/admin\/directory\/v1\/users\).*401.*unauthorized_client.*domain-wide delegation/);
    fake.subject = ADMIN;
    const stranger = makeServiceAccount(fake.tokenUrl);
    const other = validateSourceConfig({ name: 'gws', kind: 'google', subject: ADMIN, credentials: stranger.json, apiUrl: fake.url });
    const snap2 = await new GoogleSource((other as any).config).read();
    expect(snap2.incompleteReason).toMatch(/invalid_grant: Invalid JWT Signature/);
  });

  it('opens from a YAML config whose credentialsFile the loader reads into credentials', async () => {
    fake.users.push(user('1', 'a'));
    const dir = mkdtempSync(join(tmpdir(), 'idsync-google-'));
    writeFileSync(join(dir, 'service-account.json'), credentials);
    writeFileSync(join(dir, 'c.yaml'), [
      'store: { kind: memory }',
      'redis: { url: redis://127.0.0.1:6379 }',
      'sources:',
      `  - { name: gws, kind: google, customer: my_customer, subject: ${ADMIN}, credentialsFile: service-account.json, apiUrl: "${fake.url}" }`,
    ].join('\n'));
    const { config } = loadConfig(join(dir, 'c.yaml'), { baseDir: dir, env: {} });
    expect(config.sources[0]).toMatchObject({ kind: 'google', credentials: credentials });
    const snap = await openSource(config.sources[0], { baseDir: dir }).read({ watermark: null });
    expect(snap).toMatchObject({ complete: true, records: [expect.objectContaining({ externalId: '1' })] });
  });

  it('caches the token until a minute before it expires, then signs a new assertion', async () => {
    fake.users.push(user('1', 'a'));
    const clock = new ManualClock(new Date());
    const checked = validateSourceConfig({ name: 'gws', kind: 'google', subject: ADMIN, credentials, apiUrl: fake.url, groups: { enabled: false } });
    const src = new GoogleSource((checked as any).config, { clock });
    await src.read();
    clock.advance(3500 * 1000);
    await src.read();
    expect(fake.tokensIssued).toBe(1);
    clock.advance(60 * 1000);
    await src.read();
    expect(fake.tokensIssued).toBe(2);
  });

  it('honours Retry-After on 429 and 503, then completes', async () => {
    fake.users.push(user('1', 'a'), user('2', 'b'), user('3', 'c'));
    fake.pageFaults.push({ path: /\/users$/, page: 2, status: 429, retryAfter: 7 }, { path: /\/users$/, page: 2, status: 503, retryAfter: 2 });
    const snap = await open().read();
    expect(snap.complete).toBe(true);
    expect(snap.records).toHaveLength(3);
    expect(sleeps).toEqual([7000, 2000]);
  });

  it('a 403, a cut page, a non-JSON page or 5xx after retries make the read incomplete naming the page', async () => {
    fake.users.push(user('1', 'a'), user('2', 'b'), user('3', 'c'));
    fake.pageFaults.push({ path: /\/users$/, page: 2, status: 403, body: JSON.stringify({ error: { code: 403, message: 'Not Authorized to access this resource/api' } }) });
    let snap = await open().read();
    expect(snap).toMatchObject({ complete: false });
    expect(snap.incompleteReason).toMatch(/^users page 2 \(GET \/admin\/directory\/v1\/users\) answered 403: Not Authorized/);

    fake.pageFaults.push({ path: /\/users$/, page: 2, status: 200, body: '{"kind":"admin#directory#users","users":[{"id":"3"' });
    snap = await open().read();
    expect(snap.incompleteReason).toMatch(/^users page 2 .*answered 200 with a body that is not JSON/);

    fake.pageFaults.push({ path: /\/users$/, page: 1, status: 200, body: '<html>proxy</html>' });
    snap = await open().read();
    expect(snap.incompleteReason).toMatch(/^users page 1 .*not JSON.*<html>proxy/);

    fake.pageFaults.push({ path: /\/members$/, status: 500, times: 10 });
    fake.groups.push({ id: 'g1', email: 'e@acme.com', name: 'Eng', members: [] });
    snap = await open({ retries: 2 }).read();
    expect(snap.incompleteReason).toMatch(/^members of group Eng page 1 .*answered 500/);
    expect(snap.groups).toBeUndefined();
  });

  it('a user without an id is a problem with its location and makes the read incomplete', async () => {
    fake.users.push(user('1', 'a'), user('2', 'b'), { primaryEmail: 'noid@acme.com' });
    const snap = await open().read();
    expect(snap.complete).toBe(false);
    expect(snap.problems).toEqual([{ location: 'users page 2 item 1', message: 'user noid@acme.com has no id' }]);
    expect(snap.records.map((r) => r.externalId)).toEqual(['1', '2']);
  });

  it('readOne re-reads a user with the manager resolved, null when gone; domain restricts the listing', async () => {
    fake.users.push(user('1', 'boss'), user('2', 'ann', { relations: [{ type: 'manager', value: 'boss@acme.com' }] }), { ...user('3', 'x'), primaryEmail: 'x@sub.acme.com' });
    const src = open();
    expect(await src.readOne('2')).toMatchObject({ externalId: '2', attributes: { manager: '1', mail: 'ann@acme.com' } });
    expect(await src.readOne('404')).toBeNull();
    const snap = await open({ domain: 'sub.acme.com', groups: { enabled: false } }).read();
    expect(snap.records.map((r) => r.externalId)).toEqual(['3']);
    expect(snap.groups).toBeUndefined();
  });
});

describe('google source configuration', () => {
  it('names a missing subject, bad credentials and a bad include pattern by path', () => {
    const res = validateSourceConfig({ name: 'gws', kind: 'google', credentials: '{"type":"service_account"}', groups: { include: ['('] } });
    expect(res.ok).toBe(false);
    const issues = (res as any).issues.map((i: any) => `${i.path.join('.')}: ${i.message}`);
    expect(issues).toEqual(expect.arrayContaining([
      expect.stringMatching(/^subject: /),
      'credentials: the service-account key lacks client_email and private_key; expected a service-account key file',
      'groups.include.0: is not a valid regular expression',
    ]));
    const none = validateSourceConfig({ name: 'gws', kind: 'google', subject: 'a@b.c' });
    expect((none as any).issues.map((i: any) => i.message).join()).toMatch(/credentialsFile/);
  });
});
