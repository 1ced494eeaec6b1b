// The okta source's groups against the Okta fake over HTTP: which group types are read, the
// documented delta filter, members re-read whole for a changed group, renames out of `include`,
// member pages that fail, and a watermark saved before groups were configured.
import { openSource } from '../../src/connectors/sources';
import type { SourceConnector } from '../../src/ports/source-connector';
import { startOktaFake, type OktaFake } from '../fakes/okta';

let o: OktaFake;
const sleeps: number[] = [];
let ann: string, bob: string, cat: string;

function open(groups: Record<string, unknown> = {}): SourceConnector {
  return openSource({ name: 'okta', kind: 'okta', url: o.url, token: o.token, pageSize: 2, groups }, { baseDir: '.', sleep: async (ms) => void sleeps.push(ms) });
}

function addUser(id: string, login: string): string {
  const at = new Date().toISOString();
  o.users.set(id, { id, status: 'ACTIVE', created: at, lastUpdated: at, profile: { firstName: login, lastName: 'X', email: `${login}@acme.test`, login: `${login}@acme.test` } });
  return id;
}

const tick = () => new Promise((r) => setTimeout(r, 5));

beforeEach(async () => {
  sleeps.length = 0;
  o = await startOktaFake();
  ann = addUser('00uann', 'ann');
  bob = addUser('00ubob', 'bob');
  cat = addUser('00ucat', 'cat');
});
afterEach(() => o.close());

describe('okta source: groups', () => {
  it('reads OKTA_GROUP groups with their members, never Everyone; APP_GROUP only when appGroups is set or include names it', async () => {
    o.groups.values().next().value!.members = new Set([ann, bob, cat]); // Everyone
    const eng = o.addGroup('Engineering', [ann, bob, cat]);
    const ad = o.addGroup('AD Finance', [cat], 'APP_GROUP');
    const plain = await open().read({ watermark: null });
    expect(plain.complete).toBe(true);
    expect(plain.groups).toEqual([{ externalId: eng.id, name: 'Engineering', members: [ann, bob, cat], memberGroups: [], location: 'groups page 1, item 2' }]);

    const withApps = await open({ appGroups: true }).read({ watermark: null });
    expect(withApps.groups!.map((g) => g.name).sort()).toEqual(['AD Finance', 'Engineering']);

    const named = await open({ include: ['^AD '] }).read({ watermark: null });
    expect(named.groups).toEqual([expect.objectContaining({ externalId: ad.id, name: 'AD Finance', members: [cat] })]);
  });

  it('asks for the documented delta filter and re-reads the members of a changed group whole', async () => {
    const eng = o.addGroup('Engineering', [ann, bob]);
    o.addGroup('Sales', [cat]);
    const source = open();
    const first = await source.read({ watermark: null });
    expect(o.groupFilters).toEqual(['', '']); // two pages of two (Everyone, Engineering | Sales)
    await tick();
    o.setMembers(eng.id, [bob, cat]);
    const delta = await source.read({ watermark: first.watermark });
    const since = JSON.parse(first.watermark!).groups;
    expect(o.groupFilters.at(-1)).toBe(`lastUpdated gt "${since}" or lastMembershipUpdated gt "${since}"`);
    expect(delta).toMatchObject({ mode: 'delta', complete: true, removedGroups: [] });
    expect(delta.groups).toEqual([expect.objectContaining({ externalId: eng.id, members: [bob, cat] })]);
    expect(JSON.parse(delta.watermark!).groups > since).toBe(true);
  });

  it('a delta read with nothing changed keeps the group watermark and lists no group', async () => {
    o.addGroup('Engineering', [ann]);
    const source = open();
    const first = await source.read({ watermark: null });
    const delta = await source.read({ watermark: first.watermark });
    expect(delta).toMatchObject({ mode: 'delta', complete: true, groups: [], records: [] });
    expect(JSON.parse(delta.watermark!).groups).toBe(JSON.parse(first.watermark!).groups);
  });

  it('a group renamed out of include is reported removed in a delta', async () => {
    const eng = o.addGroup('Eng', [ann]);
    const source = open({ include: ['^Eng'] });
    const first = await source.read({ watermark: null });
    expect(first.groups!.map((g) => g.externalId)).toEqual([eng.id]);
    await tick();
    eng.profile.name = 'Former Eng';
    eng.lastUpdated = new Date().toISOString();
    const delta = await source.read({ watermark: first.watermark });
    expect(delta).toMatchObject({ mode: 'delta', complete: true, groups: [], removedGroups: [eng.id] });
  });

  it('reads every page of a long member list; a failed member page makes the read incomplete naming the group and page', async () => {
    const eng = o.addGroup('Engineering', [ann, bob, cat]);
    expect((await open().read({ watermark: null })).groups![0].members).toEqual([ann, bob, cat]);
    o.failMemberPage(eng.id, 2, { status: 500, body: { errorCode: 'E0000009', errorSummary: 'Internal Server Error' } });
    const snap = await open().read({ watermark: null });
    expect(snap).toMatchObject({ complete: false, records: [] });
    expect(snap.incompleteReason).toMatch(/^members of group Engineering page 2 \(GET \/api\/v1\/groups\/00g[0-9a-f]+\/users\) answered 500: E0000009/);
  });

  it('a watermark saved before groups were configured makes the next read full', async () => {
    o.addGroup('Engineering', [ann]);
    const before = await openSource({ name: 'okta', kind: 'okta', url: o.url, token: o.token }, { baseDir: '.' }).read({ watermark: null });
    expect(before.watermark).toMatch(/^\d{4}-/);
    const source = open();
    await source.read({ watermark: null }); // the daemon's first run of a source is full anyway
    const next = await source.read({ watermark: before.watermark });
    expect(next.mode).toBe('full');
    expect(next.groups).toHaveLength(1);
  });

  it('rejects an include pattern that does not compile, naming the field', () => {
    expect(() => open({ include: ['('] })).toThrow(/groups\.include\.0: is not a valid regular expression/);
  });
});
