// Entra groups through the real entra source and the Graph delta fake over HTTP into SQLite: the
// first read is full, later ones apply members@delta changes (with @removed members, groups split
// across pages) and deleted groups; a role condition over a group follows the membership.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sourceSchema, type SourceConfig } from '../../src/config/sections/sources';
import { openSource } from '../../src/connectors/sources';
import { createRolePolicy } from '../../src/domain/roles';
import { noTargetsPlanner } from '../../src/ports/access-policy';
import { ManualClock, systemClock } from '../../src/ports/clock';
import type { IdentityStore } from '../../src/ports/identity-store';
import { SyncService, silentLogger } from '../../src/services/sync';
import { openStore } from '../../src/storage';
import { startGraphDeltaFake, type GraphDeltaFake } from '../fakes/graph-delta';

describe('entra groups through the sync', () => {
  let fake: GraphDeltaFake;
  let dir: string;
  let store: IdentityStore;
  let cfg: SourceConfig;
  let sync: SyncService;
  let ann: string, bob: string, eng: string, ops: string;

  beforeAll(async () => {
    fake = await startGraphDeltaFake({ pageSize: 2, memberSlice: 1 });
    ann = fake.addUser({ givenName: 'Ann', surname: 'Lee', employeeId: 'E2', userPrincipalName: 'ann@acme.test', mail: 'ann@acme.test' });
    bob = fake.addUser({ givenName: 'Bob', surname: 'Ray', employeeId: 'E3', userPrincipalName: 'bob@acme.test', mail: 'bob@acme.test' });
    eng = fake.addGroup('Engineering', [ann, bob], 'all engineers');
    ops = fake.addGroup('Ops', [bob]);
    dir = mkdtempSync(join(tmpdir(), 'idsync-entragroups-'));
    store = await openStore({ kind: 'sqlite', path: 'idsync.db' }, { baseDir: dir });
    cfg = sourceSchema.parse({
      name: 'entra', kind: 'entra', tenantId: fake.tenantId, clientId: fake.clientId, clientSecret: fake.clientSecret,
      authorityUrl: fake.authorityUrl, graphUrl: fake.graphUrl, groups: { prefix: 'az-' },
    });
    const roles = [{ name: 'engineers', when: '"az-Engineering" in groups', include: [], groups: ['wiki-editors'], targets: {} }];
    sync = new SyncService({ store, clock: new ManualClock(new Date('2026-03-10T08:00:00Z')), policy: createRolePolicy(roles, []), planner: noTargetsPlanner,
      identity: { uidNumberStart: 10000, gidNumberStart: 20000, defaultGroup: 'staff', usernameMaxLength: 20 }, log: silentLogger, sources: [cfg] });
  });

  afterAll(async () => {
    await store.close();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const connector = () => openSource(cfg, { baseDir: '/', clock: systemClock, log: silentLogger, sleep: async () => undefined });
  const identityOf = async (externalId: string) => (await store.getSourceRecord('entra', externalId))!.identityId!;
  const hasRole = async (externalId: string) =>
    (await store.getIdentity({ by: 'id', value: await identityOf(externalId) }))!.entitlements.some((e) => e.name === 'wiki-editors' && e.rule === 'role:engineers');

  it('stores the groups of the full read with their members merged across pages', async () => {
    const report = await sync.runSource(connector(), cfg);
    expect(report).toMatchObject({ status: 'applied', groups: { created: 2 } });
    expect(await store.getGroup('az-Engineering')).toMatchObject({ externalId: eng, origin: 'source:entra', description: 'all engineers' });
    expect((await store.getGroup('az-Engineering'))!.members).toEqual([await identityOf(ann), await identityOf(bob)].sort());
    expect(await hasRole(bob)).toBe(true);
  });

  it('applies members@delta removals and a deleted group from the delta read, and the role follows', async () => {
    fake.removeMember(eng, bob);
    fake.deleteGroup(ops);
    const report = await sync.runSource(connector(), cfg);
    expect(report.status).toBe('applied');
    expect(report.groups).toMatchObject({ membersRemoved: 2, deleted: 1 });
    expect((await store.getGroup('az-Engineering'))!.members).toEqual([await identityOf(ann)]);
    expect(await store.getGroup('az-Ops')).toBeNull();
    expect((await store.listGroups()).find((g) => g.externalId === ops)?.deletedAt).toBeTruthy();
    expect(await hasRole(bob)).toBe(false);
    expect(await hasRole(ann)).toBe(true);
  });
});
