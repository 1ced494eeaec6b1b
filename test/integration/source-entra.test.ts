// The entra source against the Graph delta fake over HTTP: full and delta rounds, lifecycle,
// managers, groups in slices, expired delta tokens and every way a page can fail.
import { systemClock } from '../../src/ports/clock';
import { openSource } from '../../src/connectors/sources';
import { sourceSchema } from '../../src/config/sections/sources';
import type { EntraSource } from '../../src/connectors/sources/entra/connector';
import { startGraphDeltaFake, type GraphDeltaFake } from '../fakes/graph-delta';

let fake: GraphDeltaFake;
const sleeps: number[] = [];
const warnings: string[] = [];

function source(extra: Record<string, unknown> = {}): EntraSource {
  const cfg = sourceSchema.parse({
    name: 'entra', kind: 'entra', tenantId: fake.tenantId, clientId: fake.clientId, clientSecret: fake.clientSecret,
    authorityUrl: fake.authorityUrl, graphUrl: fake.graphUrl, groups: {}, ...extra,
  });
  const log = { warn: (_o: object, m?: string) => void warnings.push(m ?? '') };
  return openSource(cfg, { baseDir: '/', clock: systemClock, log, sleep: async (ms) => void sleeps.push(ms) }) as EntraSource;
}

const byId = (records: { externalId: string; attributes: Record<string, string | null> }[]) => new Map(records.map((r) => [r.externalId, r.attributes]));

let boss: string, ann: string, bob: string;
beforeEach(async () => {
  sleeps.length = 0;
  warnings.length = 0;
  fake = await startGraphDeltaFake({ pageSize: 2, memberSlice: 2 });
  boss = fake.addUser({ displayName: 'Big Boss', givenName: 'Big', surname: 'Boss', employeeId: 'E1', userPrincipalName: 'boss@acme.test', mail: 'Boss@acme.test' });
  ann = fake.addUser({ givenName: 'Ann', surname: 'Lee', employeeId: 'E2', userPrincipalName: 'ann@acme.test', jobTitle: 'Engineer', employeeHireDate: '2025-01-06T00:00:00Z' }, boss);
  bob = fake.addUser({ givenName: 'Bob', surname: 'Ray', employeeId: 'E3', userPrincipalName: 'bob@acme.test', accountEnabled: false, employeeLeaveDateTime: '2027-01-01T00:00:00Z' }, boss);
});
afterEach(() => fake.close());

describe('entra source: full read', () => {
  it('follows nextLink to the deltaLink and maps every user by object id, with lifecycle and manager employee id', async () => {
    const snap = await source().read({ watermark: null });
    expect(snap).toMatchObject({ mode: 'full', complete: true, incompleteReason: null, problems: [] });
    const users = byId(snap.records);
    expect([...users.keys()].sort()).toEqual([boss, ann, bob].sort());
    expect(users.get(ann)).toMatchObject({ employeeId: 'E2', givenName: 'Ann', sn: 'Lee', title: 'Engineer', upn: 'ann@acme.test', status: 'active', startDate: '2025-01-06', manager: 'E1' });
    // disabled = suspended; leave date-time 2027-01-01T00:00Z means the last day with access is 2026-12-31
    expect(users.get(bob)).toMatchObject({ status: 'leave', endDate: '2026-12-31', manager: 'E1' });
    expect(users.get(boss)).toMatchObject({ manager: null, mail: 'Boss@acme.test' });
    const first = fake.server.log.find((l) => l.path === '/v1.0/users/delta');
    expect(first).toBeDefined();
    expect(fake.server.log.filter((l) => l.path === '/v1.0/users/delta').length).toBe(2); // 3 users, 2 a page
    expect(JSON.parse(snap.watermark!)).toEqual({ users: expect.stringContaining('$deltatoken='), groups: expect.stringContaining('$deltatoken=') });
  });

  it('asks for the mapped properties and the manager in $select on the first call only', async () => {
    const seen: string[] = [];
    const orig = global.fetch;
    const spy = jest.spyOn(global, 'fetch').mockImplementation((input: any, init?: any) => {
      seen.push(String(input));
      return orig(input, init);
    });
    try {
      await source({ attributes: { location: null, costCenter: 'extension_abc_costCenter' } }).read({ watermark: null });
    } finally {
      spy.mockRestore();
    }
    const userCalls = seen.filter((u) => u.includes('/users/delta'));
    const select = new URL(userCalls[0]).searchParams.get('$select')!.split(',');
    expect(select).toEqual(expect.arrayContaining(['id', 'accountEnabled', 'employeeHireDate', 'employeeLeaveDateTime', 'manager', 'surname', 'extension_abc_costCenter']));
    expect(select).not.toContain('officeLocation');
    expect(new URL(userCalls[1]).searchParams.get('$select')).toBeNull();
  });

  it('merges a group that arrives in slices on several pages into whole member lists, nested groups apart', async () => {
    const inner = fake.addGroup('Inner', [bob]);
    const eng = fake.addGroup('Engineering', [boss, ann, bob, inner], 'the builders');
    const snap = await source().read({ watermark: null });
    const pages = fake.server.log.filter((l) => l.path === '/v1.0/groups/delta').length;
    expect(pages).toBeGreaterThan(1);
    const g = snap.groups!.find((x) => x.externalId === eng)!;
    expect(g).toMatchObject({ name: 'Engineering', description: 'the builders', memberGroups: [inner] });
    expect(g.members!.sort()).toEqual([boss, ann, bob].sort());
    expect(snap.groups!.find((x) => x.externalId === inner)!.members).toEqual([bob]);
  });

  it('keeps only groups whose name matches groups.include', async () => {
    fake.addGroup('app-wiki', [ann]);
    fake.addGroup('Sales', [bob]);
    const snap = await source({ groups: { include: ['^app-'], prefix: 'entra-' } }).read({ watermark: null });
    expect(snap.groups!.map((g) => g.name)).toEqual(['app-wiki']);
  });

  it('says nothing about groups when groups are not configured', async () => {
    fake.addGroup('Sales', [bob]);
    const snap = await source({ groups: undefined }).read({ watermark: null });
    expect(snap.groups).toBeUndefined();
    expect(fake.server.log.some((l) => l.path === '/v1.0/groups/delta')).toBe(false);
  });
});

describe('entra source: delta read', () => {
  it('returns only changes; soft and hard deletes are removed; a restore comes back; a new manager is named', async () => {
    const s = source();
    const first = await s.read({ watermark: null });
    const carl = fake.addUser({ givenName: 'Carl', surname: 'Ng', employeeId: 'E4', userPrincipalName: 'carl@acme.test' });
    fake.updateUser(ann, { jobTitle: 'Lead' });
    fake.softDelete(bob);
    fake.setManager(carl, ann);
    const second = await s.read({ watermark: first.watermark });
    expect(second).toMatchObject({ mode: 'delta', complete: true });
    const users = byId(second.records);
    expect([...users.keys()].sort()).toEqual([ann, carl].sort());
    // ann's manager did not change: the source asks Graph for it rather than clearing it
    expect(users.get(ann)).toMatchObject({ title: 'Lead', manager: 'E1' });
    expect(users.get(carl)).toMatchObject({ manager: 'E2' });
    expect(second.removed).toEqual([bob]);

    fake.restore(bob);
    fake.hardDelete(carl);
    const third = await s.read({ watermark: second.watermark });
    expect(third.records.map((r) => r.externalId)).toEqual([bob]);
    expect(third.removed).toEqual([carl]);
  });

  it('a removed manager clears the manager attribute', async () => {
    const s = source();
    const first = await s.read({ watermark: null });
    fake.setManager(ann, null);
    const second = await s.read({ watermark: first.watermark });
    expect(byId(second.records).get(ann)).toMatchObject({ manager: null });
  });

  it('reports membership changes, members removed and deleted groups', async () => {
    const eng = fake.addGroup('Engineering', [boss, ann]);
    const gone = fake.addGroup('Old', [ann]);
    const s = source();
    const first = await s.read({ watermark: null });
    fake.addMember(eng, bob);
    fake.removeMember(eng, ann);
    fake.deleteGroup(gone);
    const second = await s.read({ watermark: first.watermark });
    expect(second.mode).toBe('delta');
    expect(second.groups).toEqual([expect.objectContaining({ externalId: eng, name: 'Engineering', memberChanges: { added: [bob], removed: [ann], addedGroups: [], removedGroups: [] } })]);
    expect(second.removedGroups).toEqual([gone]);
  });

  it('an expired delta token falls back to a full read and says so', async () => {
    const s = source();
    const first = await s.read({ watermark: null });
    fake.expireDeltaTokens();
    const second = await s.read({ watermark: first.watermark });
    expect(second).toMatchObject({ mode: 'full', complete: true });
    expect(second.records).toHaveLength(3);
    expect(fake.server.log.some((l) => l.status === 410)).toBe(true);
    expect(warnings.join('\n')).toMatch(/delta token has expired.*read everything/);
  });
});

describe('entra source: failures', () => {
  const usersPath = /^\/v1\.0\/users\/delta$/;

  it('waits out a 429 with its Retry-After, then completes', async () => {
    fake.fault({ status: 429, retryAfter: 7, path: usersPath, skip: 1 });
    const snap = await source().read({ watermark: null });
    expect(snap.complete).toBe(true);
    expect(snap.records).toHaveLength(3);
    expect(sleeps).toContain(7000);
  });

  it('a 5xx on page 2 that outlasts the retries -> incomplete naming the page, the old watermark kept', async () => {
    for (let i = 0; i < 4; i++) fake.fault({ status: 503, path: usersPath, skip: i === 0 ? 1 : 0 });
    const snap = await source({ retries: 3 }).read({ watermark: null });
    expect(snap).toMatchObject({ complete: false, watermark: null, records: [] });
    expect(snap.incompleteReason).toMatch(/users page 2 .*answered 503/);
  });

  it('a 5xx that clears within the retries completes', async () => {
    fake.fault({ status: 502, path: usersPath });
    const snap = await source().read({ watermark: null });
    expect(snap.complete).toBe(true);
  });

  it('a 401 gets one fresh token; a 401 after that is incomplete', async () => {
    const s = source();
    await s.read({ watermark: null });
    fake.expireTokens();
    const tokensBefore = fake.counts.tokens;
    expect((await s.read({ watermark: null })).complete).toBe(true);
    expect(fake.counts.tokens).toBe(tokensBefore + 1);
    fake.fault({ status: 401, path: usersPath });
    fake.fault({ status: 401, path: usersPath });
    const snap = await s.read({ watermark: null });
    expect(snap.complete).toBe(false);
    expect(snap.incompleteReason).toMatch(/users page 1 .*answered 401/);
  });

  it('a page cut mid-answer (every try) -> incomplete naming the page', async () => {
    for (let i = 0; i < 3; i++) fake.fault({ status: 200, cut: true, path: usersPath, skip: i === 0 ? 1 : 0 });
    const snap = await source({ retries: 2 }).read({ watermark: null });
    expect(snap.complete).toBe(false);
    expect(snap.incompleteReason).toMatch(/users page 2 .*cut/);
  });

  it('a 200 page that is not JSON -> incomplete naming the page', async () => {
    for (let i = 0; i < 2; i++) fake.fault({ status: 200, body: '<html>proxy</html>', path: /^\/v1\.0\/groups\/delta$/ });
    const snap = await source({ retries: 1 }).read({ watermark: null });
    expect(snap.complete).toBe(false);
    expect(snap.incompleteReason).toMatch(/groups page 1 .*not JSON/);
  });

  it('a user without an id is a problem with its location, not dropped silently', async () => {
    fake.fault({ status: 200, body: JSON.stringify({ value: [{ displayName: 'no id' }], '@odata.deltaLink': `${fake.graphUrl}/v1.0/users/delta?$deltatoken=x` }), path: usersPath });
    const snap = await source({ groups: undefined }).read({ watermark: null });
    expect(snap.problems).toEqual([{ location: 'users page 1 item 1', message: 'user without an id' }]);
  });

  it('a wrong client secret -> incomplete naming the token endpoint', async () => {
    const snap = await source({ clientSecret: 'wrong' }).read({ watermark: null });
    expect(snap.complete).toBe(false);
    expect(snap.incompleteReason).toMatch(/users page 1 .*token endpoint.*answered 401: AADSTS7000215/);
  });
});

describe('entra source: readOne', () => {
  it('re-reads one user with its manager; null once the user is deleted', async () => {
    const s = source();
    expect(await s.readOne!(ann)).toMatchObject({ externalId: ann, attributes: { employeeId: 'E2', manager: 'E1' } });
    fake.softDelete(ann);
    expect(await s.readOne!(ann)).toBeNull();
  });
});

describe('entra source: config', () => {
  it('names every bad field', () => {
    const r = sourceSchema.safeParse({ name: 'entra', kind: 'entra', tenantId: '', graphUrl: 'nope', groups: { include: ['('] }, attributes: { mail: 'bad-name' } });
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['tenantId', 'clientId', 'graphUrl', 'groups.include.0', 'attributes.mail']));
  });

  it('requires clientSecret or clientSecretFile', () => {
    const r = sourceSchema.safeParse({ name: 'entra', kind: 'entra', tenantId: 't', clientId: 'c' });
    expect(r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toContain('clientSecret: clientSecret (or clientSecretFile) is required');
  });
});
