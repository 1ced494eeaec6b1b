// A record two identities share a mail with is disputed; a person joins it to one of them. The
// decision is stored in SQLite and audited, the record is linked and applied at once (the person's
// attributes and groups follow), and later runs keep the link instead of disputing again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sourceSchema, type SourceConfig } from '../../src/config/sections/sources';
import { FakeSource } from '../../src/connectors/sources/fake/fake-source';
import type { Identity } from '../../src/domain/types';
import type { IdentityStore } from '../../src/ports/identity-store';
import { noTargetsPlanner } from '../../src/ports/access-policy';
import { ManualClock } from '../../src/ports/clock';
import { departmentGroupsPolicy } from '../../src/services/policy/department-groups';
import { SyncService, silentLogger } from '../../src/services/sync';
import { resolveDispute, type DisputeResolutionDeps } from '../../src/services/sync/dispute-resolution';
import { openStore } from '../../src/storage';

type FakeConfig = Extract<SourceConfig, { kind: 'fake' }>;
const identity = { uidNumberStart: 10000, gidNumberStart: 20000, defaultGroup: 'staff', usernameMaxLength: 20 };
const operator = { kind: 'helpdesk' as const, id: 'olga' };
const sam = { employeeId: 'E7', givenName: 'Sam', sn: 'Roe', mail: 'SAM@example.com', department: 'Finance', title: 'Analyst', status: 'active' };

const fakeConfig = (o: Record<string, unknown>) => sourceSchema.parse({ kind: 'fake', ...o }) as FakeConfig;

describe('resolving a dispute in a SQLite store', () => {
  let dir: string;
  let store: IdentityStore;
  let sync: SyncService;
  let hrCfg: FakeConfig;
  let hr: FakeSource;
  let deps: DisputeResolutionDeps;
  let samuel: Identity;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'idsync-dispute-'));
    store = await openStore({ kind: 'sqlite', path: 'idsync.db' }, { baseDir: dir });
    const clock = new ManualClock(new Date('2026-03-10T08:00:00Z'));
    // the directory holds two people with one mail address between them
    const oktaCfg = fakeConfig({ name: 'okta', authoritative: false, precedence: 50, join: ['mail'], records: [
      { externalId: 'o1', givenName: 'Sam', sn: 'Roe', mail: 'sam@example.com' },
      { externalId: 'o2', givenName: 'Samuel', sn: 'Roe', mail: 'sam@example.com' },
    ] });
    hrCfg = fakeConfig({ name: 'hr', join: ['employeeId', 'mail'], records: [sam] });
    hr = new FakeSource(hrCfg);
    sync = new SyncService({ store, clock, policy: departmentGroupsPolicy, planner: noTargetsPlanner, identity, log: silentLogger, sources: [hrCfg, oktaCfg] });
    await sync.runSource(new FakeSource(oktaCfg), oktaCfg);
    samuel = (await store.listIdentities()).find((i) => i.attributes.givenName === 'Samuel')!;
    deps = { store, sync, sources: [{ cfg: hrCfg, connector: hr }], clock };
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function openDispute() {
    expect((await sync.runSource(hr, hrCfg)).counts.disputed).toBe(1);
    const [dispute] = await store.listDisputes(true);
    expect(dispute).toMatchObject({ source: 'hr', externalId: 'E7', rule: 'mail', attributes: { givenName: 'Sam', department: 'Finance' } });
    return dispute;
  }

  it('records the decision, links and applies the record at once, and a later run keeps the link', async () => {
    const dispute = await openDispute();
    const result = await resolveDispute(deps, { disputeId: dispute.id, join: samuel.username.toUpperCase(), actor: operator });
    expect(result).toMatchObject({ username: samuel.username, applied: 'read again', outcome: expect.stringContaining(`linked to ${samuel.username}`) });

    const [stored] = await store.listDisputes(false);
    expect(stored.resolvedAt).toBe('2026-03-10T08:00:00.000Z');
    expect(stored.resolution).toEqual({ identityId: samuel.id, username: samuel.username, decidedBy: operator, decidedAt: '2026-03-10T08:00:00.000Z' });
    expect(await store.listDisputes(true)).toEqual([]);
    const audit = await store.readAudit(1, 1000);
    expect(audit.find((a) => a.action === 'dispute.resolve')).toMatchObject({ actor: operator, subject: { kind: 'dispute', id: dispute.id }, after: { identityId: samuel.id } });

    expect((await store.getSourceRecord('hr', 'E7'))?.identityId).toBe(samuel.id);
    const linked = await store.getIdentity({ by: 'id', value: samuel.id });
    expect(linked).toMatchObject({ employeeId: 'E7', attributes: { department: 'Finance', title: 'Analyst' } });
    expect(linked?.links).toEqual(expect.arrayContaining([{ source: 'hr', externalId: 'E7' }, { source: 'okta', externalId: 'o2' }]));
    expect(linked?.entitlements).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'group', name: 'finance' })]));
    // the change is audited under the operator who decided
    expect(audit.find((a) => a.action === 'identity.update' && a.subject.id === samuel.id)?.actor).toEqual(operator);

    hr.setRecords([{ ...sam, title: 'Senior Analyst' }]);
    const later = await sync.runSource(hr, hrCfg);
    expect(later.counts).toMatchObject({ disputed: 0, updated: 1, created: 0 });
    expect((await store.getIdentity({ by: 'id', value: samuel.id }))?.attributes.title).toBe('Senior Analyst');
    expect(await store.listDisputes(true)).toEqual([]);
  });

  it('honours the decision in the next run when the record could not be applied at once', async () => {
    const dispute = await openDispute();
    hr.setRecords([]);
    const result = await resolveDispute(deps, { disputeId: dispute.id, join: samuel.id, actor: operator });
    expect(result.applied).toBe('not applied');
    expect(result.outcome).toMatch(/no longer lists E7/);
    expect(await store.getSourceRecord('hr', 'E7')).toBeNull();

    hr.setRecords([sam]);
    const next = await sync.runSource(hr, hrCfg);
    expect(next.counts).toMatchObject({ disputed: 0, created: 0, updated: 1 });
    expect((await store.getSourceRecord('hr', 'E7'))?.identityId).toBe(samuel.id);
    expect(await store.listDisputes(true)).toEqual([]);
  });

  it('applies the attributes kept with the dispute when the source cannot read one record, and says so', async () => {
    const dispute = await openDispute();
    const noReadOne = { name: 'hr', kind: 'fake', authoritative: true, read: () => hr.read() };
    const result = await resolveDispute({ ...deps, sources: [{ cfg: hrCfg, connector: noReadOne }] }, { disputeId: dispute.id, join: samuel.username, actor: operator });
    expect(result.applied).toBe('stored attributes');
    expect(result.outcome).toMatch(/cannot read one record; applied the attributes kept with the dispute/);
    expect((await store.getSourceRecord('hr', 'E7'))?.identityId).toBe(samuel.id);
  });

  it('falls back to the kept attributes when reading the record again fails', async () => {
    const dispute = await openDispute();
    const failing = { name: 'hr', kind: 'fake', authoritative: true, read: () => hr.read(), readOne: () => Promise.reject(new Error('HR API unreachable')) };
    const result = await resolveDispute({ ...deps, sources: [{ cfg: hrCfg, connector: failing }] }, { disputeId: dispute.id, join: samuel.username, actor: operator });
    expect(result).toMatchObject({ applied: 'stored attributes', outcome: expect.stringMatching(/^reading E7 again failed \(HR API unreachable\); applied the attributes kept/) });
    expect((await store.getSourceRecord('hr', 'E7'))?.identityId).toBe(samuel.id);
  });

  it('refuses a choice that is not a candidate, an unknown dispute and an already resolved one', async () => {
    const dispute = await openDispute();
    await expect(resolveDispute(deps, { disputeId: dispute.id, join: 'nobody', actor: operator })).rejects.toMatchObject({
      failure: 'not-a-candidate',
      message: expect.stringMatching(new RegExp(`"nobody" is not a candidate of dispute .*its candidates are .*${samuel.username}`)),
    });
    await expect(resolveDispute(deps, { disputeId: 'nope', join: samuel.username, actor: operator })).rejects.toMatchObject({ failure: 'not-found' });
    await resolveDispute(deps, { disputeId: dispute.id, join: samuel.username, actor: operator });
    await expect(resolveDispute(deps, { disputeId: dispute.id, join: samuel.username, actor: operator })).rejects.toMatchObject({
      failure: 'already-resolved',
      message: expect.stringMatching(/already resolved at .* by olga/),
    });
    expect((await store.readAudit(1, 1000)).filter((a) => a.action === 'dispute.resolve')).toHaveLength(1);
  });
});
