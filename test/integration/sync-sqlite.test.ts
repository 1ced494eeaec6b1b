import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sourceSchema } from '../../src/config/sections/sources';
import { openSource } from '../../src/connectors/sources';
import { ChainVerifier } from '../../src/domain/audit-chain';
import type { IdentityStore } from '../../src/ports/identity-store';
import { noTargetsPlanner } from '../../src/ports/access-policy';
import { ManualClock } from '../../src/ports/clock';
import { departmentGroupsPolicy } from '../../src/services/policy/department-groups';
import { SyncService, silentLogger } from '../../src/services/sync';
import { openStore } from '../../src/storage';

const configDir = resolve(__dirname, '../../config');
const identity = { uidNumberStart: 10000, gidNumberStart: 20000, defaultGroup: 'staff', usernameMaxLength: 20 };

describe('sync of the sample HR file into SQLite', () => {
  let dir: string;
  let store: IdentityStore;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'idsync-sync-'));
    store = await openStore({ kind: 'sqlite', path: 'idsync.db' }, { baseDir: dir });
  });

  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates every person with the right username and state, then a second run writes nothing', async () => {
    const cfg = sourceSchema.parse({ name: 'hr', kind: 'csv', path: './hr.csv' });
    const connector = openSource(cfg, { baseDir: configDir });
    const clock = new ManualClock(new Date('2026-03-10T08:00:00Z'));
    const sync = new SyncService({ store, clock, policy: departmentGroupsPolicy, planner: noTargetsPlanner, identity, log: silentLogger, sources: [cfg] });

    const first = await sync.runSource(connector, cfg);
    expect(first.status).toBe('applied');
    expect(first.counts).toMatchObject({ seen: 25, created: 25, errors: 0 });

    const user = async (username: string) => store.getIdentity({ by: 'username', value: username });
    expect(await user('jmullerlukasz')).toMatchObject({ employeeId: 'E1002', state: 'active' });
    expect((await user('jsmith'))?.employeeId).toBe('E1003');
    expect((await user('jsmith2'))?.employeeId).toBe('E1004');
    expect((await user('ue1005'))?.attributes.givenName).toBe('美咲');
    expect((await user('zangstrom'))?.state).toBe('suspended');
    expect((await user('ahassan'))?.state).toBe('terminated');
    expect((await user('srossi'))?.state).toBe('prehire');
    expect((await user('hgross'))?.provenance.title).toEqual({ source: 'hr', externalId: 'E1013', rule: 'precedence:hr(100)' });
    expect((await store.getGroup('research-development'))?.gidNumber).toBeGreaterThanOrEqual(20000);
    const uids = (await store.listIdentities()).map((i) => i.uidNumber).sort((a, b) => a - b);
    expect(uids[0]).toBe(10000);
    expect(new Set(uids).size).toBe(25);

    const head = await store.auditHead();
    const second = await sync.runSource(connector, cfg);
    expect(second.counts).toMatchObject({ writes: 0, unchanged: 25 });
    expect(await store.auditHead()).toEqual(head);
    expect((await store.listRuns({ source: 'hr' })).map((r) => r.status)).toEqual(['applied', 'applied']);

    const verifier = new ChainVerifier();
    for (const r of await store.readAudit(1, 1000)) verifier.push(r);
    expect(verifier.finish(head)).toBeNull();
    expect(verifier.count).toBe(25);
  });
});
