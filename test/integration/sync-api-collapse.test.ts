// A directory that answers 200 with an empty first page on a population that had many people:
// the Okta and Graph fakes over HTTP, the real source connectors, the sync service and SQLite.
// Nobody loses access: no termination, no suspension, no entitlement taken away.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sourceSchema, type SourceConfig } from '../../src/config/sections/sources';
import { openSource } from '../../src/connectors/sources';
import type { Identity } from '../../src/domain/types';
import { noTargetsPlanner } from '../../src/ports/access-policy';
import { systemClock } from '../../src/ports/clock';
import type { IdentityStore } from '../../src/ports/identity-store';
import type { Logger } from '../../src/ports/logger';
import { departmentGroupsPolicy } from '../../src/services/policy/department-groups';
import { SyncService } from '../../src/services/sync';
import { openStore } from '../../src/storage';
import { startGraphDeltaFake, type GraphDeltaFake } from '../fakes/graph-delta';
import { startOktaFake, type OktaFake } from '../fakes/okta';

const identity = { uidNumberStart: 10000, gidNumberStart: 20000, defaultGroup: 'staff', usernameMaxLength: 20 };
const quiet: Logger = { info() {}, debug() {}, error() {}, warn() {}, child: () => quiet };

let dir: string;
let store: IdentityStore;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'idsync-collapse-'));
  store = await openStore({ kind: 'sqlite', path: 'idsync.db' }, { baseDir: dir });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function syncFor(cfg: SourceConfig): SyncService {
  return new SyncService({ store, clock: systemClock, policy: departmentGroupsPolicy, planner: noTargetsPlanner, identity, log: quiet, sources: [cfg] });
}

/** what access looks like: every identity's state and entitlements */
async function access(): Promise<Map<string, string>> {
  const all: Identity[] = await store.listIdentities();
  return new Map(all.map((i) => [i.id, `${i.state} ${JSON.stringify(i.entitlements)}`]));
}

const states = (a: Map<string, string>) => [...a.values()].map((v) => v.split(' ')[0]);

function addOktaUsers(o: OktaFake, n: number, status: 'ACTIVE' | 'DEPROVISIONED', from = 0): void {
  const at = new Date().toISOString();
  for (let i = from; i < from + n; i++) {
    const id = `00u${String(i).padStart(8, '0')}`;
    const profile = { firstName: `Given${i}`, lastName: `Family${i}`, email: `u${i}@acme.test`, login: `u${i}@acme.test`, employeeNumber: `E${i}`, department: i % 2 ? 'Engineering' : 'Sales' };
    o.users.set(id, { id, status, created: at, lastUpdated: at, profile });
  }
}

describe('an API source answering an empty first page', () => {
  let o: OktaFake;
  beforeEach(async () => {
    o = await startOktaFake({ rateLimit: 100_000 });
  });
  afterEach(() => o.close());

  const oktaConfig = () => sourceSchema.parse({ name: 'okta', kind: 'okta', url: o.url, token: o.token, fullEvery: 1 });

  it('okta: 1200 people, then a 200 with an empty first page -> no one loses access', async () => {
    addOktaUsers(o, 1200, 'ACTIVE');
    const cfg = oktaConfig();
    const sync = syncFor(cfg);
    const source = openSource(cfg, { baseDir: dir });
    expect((await sync.runSource(source, cfg)).status).toBe('applied');
    const before = await access();
    expect(before.size).toBe(1200);
    expect(states(before).every((s) => s === 'active')).toBe(true);

    o.failUserPage(1, { status: 200, body: [] }); // no Link rel="next": the list looks whole and empty
    const run = await sync.runSource(source, cfg);
    expect(run.status).toBe('incomplete');
    expect(run.reason).toMatch(/population collapsed: 0 records against 1200.*access removals skipped/);
    expect(run.counts.terminated).toBe(0);
    expect(await access()).toEqual(before);
  });

  it('okta: an empty user list next to a long DEPROVISIONED list is held, not a few percent of removals', async () => {
    // 60 people with access, 600 long gone: the empty active list leaves 600 of 660 records
    addOktaUsers(o, 60, 'ACTIVE');
    addOktaUsers(o, 600, 'DEPROVISIONED', 60);
    const cfg = oktaConfig();
    const sync = syncFor(cfg);
    const source = openSource(cfg, { baseDir: dir });
    expect((await sync.runSource(source, cfg)).status).toBe('applied');
    const before = await access();
    expect(states(before).filter((s) => s === 'active')).toHaveLength(60);

    o.failUserPage(1, { status: 200, body: [] });
    const run = await sync.runSource(source, cfg);
    expect(run.status).toBe('held');
    expect(run.reason).toMatch(/terminate or suspend 60 of 60 people \(100\.0%\)/);
    expect(await access()).toEqual(before);
  });

  describe('entra', () => {
    let g: GraphDeltaFake;
    beforeEach(async () => {
      g = await startGraphDeltaFake({ pageSize: 100 });
    });
    afterEach(() => g.close());

    it('entra: 500 people, then the delta token expires and the full read answers an empty page -> no one loses access', async () => {
      for (let i = 0; i < 500; i++) g.addUser({ givenName: `Given${i}`, surname: `Family${i}`, mail: `u${i}@acme.test`, employeeId: `E${i}`, department: 'Engineering', userPrincipalName: `u${i}@acme.test` });
      const cfg = sourceSchema.parse({ name: 'entra', kind: 'entra', tenantId: g.tenantId, clientId: g.clientId, clientSecret: g.clientSecret, authorityUrl: g.authorityUrl, graphUrl: g.graphUrl });
      const sync = syncFor(cfg);
      const source = openSource(cfg, { baseDir: dir, sleep: async () => {} });
      expect((await sync.runSource(source, cfg)).status).toBe('applied');
      const before = await access();
      expect(before.size).toBe(500);

      g.expireDeltaTokens();
      const empty = JSON.stringify({ value: [], '@odata.deltaLink': `${g.graphUrl}/v1.0/users/delta?$deltatoken=empty` });
      g.fault({ status: 200, body: empty, path: /^\/v1\.0\/users\/delta$/, skip: 1 }); // the fallback full read
      const run = await sync.runSource(source, cfg);
      expect(run.status).toBe('incomplete');
      expect(run.reason).toMatch(/population collapsed: 0 records against 500.*access removals skipped/);
      expect(await access()).toEqual(before);
    });
  });
});

describe('an API source with a delta of few changes', () => {
  let o: OktaFake;
  beforeEach(async () => {
    o = await startOktaFake({ rateLimit: 100_000 });
  });
  afterEach(() => o.close());

  it('okta: a delta that deprovisions 2 of 100 is applied (the few listed changes are not the population)', async () => {
    addOktaUsers(o, 100, 'ACTIVE');
    const cfg = sourceSchema.parse({ name: 'okta', kind: 'okta', url: o.url, token: o.token });
    const sync = syncFor(cfg);
    const source = openSource(cfg, { baseDir: dir });
    expect((await sync.runSource(source, cfg)).status).toBe('applied');
    await new Promise((r) => setTimeout(r, 5));
    for (const id of ['00u00000001', '00u00000002']) Object.assign(o.users.get(id)!, { status: 'DEPROVISIONED', lastUpdated: new Date().toISOString() });
    const run = await sync.runSource(source, cfg);
    expect(run).toMatchObject({ status: 'applied', counts: expect.objectContaining({ terminated: 2 }) });
  });
});
