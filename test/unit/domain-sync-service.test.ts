import { sourceSchema, type SourceConfig } from '../../src/config/sections/sources';
import { ChainVerifier } from '../../src/domain/audit-chain';
import type { AuditRecord } from '../../src/domain/types';
import { FakeSource } from '../../src/connectors/sources/fake/fake-source';
import { noTargetsPlanner } from '../../src/ports/access-policy';
import { ManualClock } from '../../src/ports/clock';
import { departmentGroupsPolicy } from '../../src/services/policy/department-groups';
import { SyncService, silentLogger } from '../../src/services/sync';
import { MemoryStore } from '../../src/storage/memory/memory-store';

type Row = Record<string, string | null>;

const person = (id: string, given: string, sn: string, extra: Row = {}): Row => ({
  employeeId: id,
  givenName: given,
  sn,
  mail: `${given}.${sn}.${id}@example.com`.toLowerCase(),
  department: 'Engineering',
  title: 'Engineer',
  status: 'active',
  ...extra,
});

function setup(population: Row[], sourceOverrides: Partial<SourceConfig> = {}, otherSources: SourceConfig[] = []) {
  const store = new MemoryStore();
  const clock = new ManualClock(new Date('2026-03-10T08:00:00Z'));
  const cfg = sourceSchema.parse({ name: 'hr', kind: 'fake', records: population, ...sourceOverrides });
  const source = new FakeSource(cfg as Extract<SourceConfig, { kind: 'fake' }>);
  const identity = { uidNumberStart: 10000, gidNumberStart: 20000, defaultGroup: 'staff', usernameMaxLength: 20 };
  const sync = new SyncService({ store, clock, policy: departmentGroupsPolicy, planner: noTargetsPlanner, identity, log: silentLogger, sources: [cfg, ...otherSources] });
  return { store, clock, cfg, source, sync };
}

const byUsername = async (store: MemoryStore, username: string) => store.getIdentity({ by: 'username', value: username });
const crowd = (n: number): Row[] => Array.from({ length: n }, (_, i) => person(`E${1000 + i}`, `Given${i}`, `Family${i}`));

async function allAudit(store: MemoryStore): Promise<AuditRecord[]> {
  return store.readAudit(1, 1_000_000);
}

describe('SyncService', () => {
  it('creates identities with folded usernames, collisions, uidNumbers, groups and one audit record each', async () => {
    const { store, cfg, source, sync } = setup([
      person('E1', 'José', 'Müller-Łukasz', { department: 'Research & Development' }),
      person('E2', 'John', 'Smith'),
      person('E3', 'John', 'Smith'),
      person('E4', '太郎', '山田'),
    ]);
    const report = await sync.runSource(source, cfg);
    expect(report.status).toBe('applied');
    expect(report.counts.created).toBe(4);
    const jose = await byUsername(store, 'jmullerlukasz');
    expect(jose).toMatchObject({ employeeId: 'E1', state: 'active', uidNumber: 10000 });
    expect(jose?.entitlements).toEqual([{ kind: 'group', name: 'research-development', rule: 'builtin:department' }]);
    expect((await byUsername(store, 'jsmith'))?.employeeId).toBe('E2');
    expect((await byUsername(store, 'jsmith2'))?.employeeId).toBe('E3');
    expect((await byUsername(store, 'ue4'))?.employeeId).toBe('E4');
    expect((await store.getGroup('research-development'))?.origin).toBe('department');
    const audit = await allAudit(store);
    expect(audit.filter((a) => a.action === 'identity.create')).toHaveLength(4);
    expect(audit[0].actor).toEqual({ kind: 'source-run', id: report.id, source: 'hr' });
    expect(audit[0].correlationId).toBe(`${report.id}:E1`);
  });

  it('writes nothing on a run that changes nothing', async () => {
    const { store, cfg, source, sync } = setup(crowd(30));
    await sync.runSource(source, cfg);
    const headBefore = await store.auditHead();
    const recordsBefore = await store.listSourceRecords('hr');
    const second = await sync.runSource(source, cfg);
    expect(second.status).toBe('applied');
    expect(second.counts).toMatchObject({ writes: 0, unchanged: 30, created: 0, updated: 0 });
    expect(await store.auditHead()).toEqual(headBefore);
    expect(await store.listSourceRecords('hr')).toEqual(recordsBefore);
  });

  it('records an update with before/after of the changed attributes only, and a dry run shows it without writing', async () => {
    const { store, cfg, source, sync } = setup([person('E1', 'Jane', 'Doe')]);
    await sync.runSource(source, cfg);
    source.setRecords([person('E1', 'Jane', 'Doe', { title: 'Senior Engineer' })]);
    const head = await store.auditHead();
    const dry = await sync.runSource(source, cfg, { dryRun: true });
    expect(dry.plan).toEqual(['~ jdoe title: Engineer -> Senior Engineer']);
    expect(await store.auditHead()).toEqual(head);
    expect(await store.listRuns({ source: 'hr' })).toHaveLength(1);
    await sync.runSource(source, cfg);
    const [, update] = await store.auditOfSubject((await byUsername(store, 'jdoe'))!.id);
    expect(update).toMatchObject({ action: 'identity.update', before: { attributes: { title: 'Engineer' } }, after: { attributes: { title: 'Senior Engineer' } } });
  });

  it('shows creates, terminations and group changes in a dry-run plan without writing anything', async () => {
    const { store, cfg, source, sync } = setup([person('E1', 'Jane', 'Doe'), ...crowd(9)]);
    const firstDry = await sync.runSource(source, cfg, { dryRun: true });
    expect(firstDry.plan[0]).toBe('+ create jdoe (E1)');
    expect(firstDry.counts.created).toBe(10);
    expect(await store.listIdentities()).toEqual([]);
    expect((await store.auditHead()).seq).toBe(0);
    await sync.runSource(source, cfg);
    source.setRecords([person('E1', 'Jane', 'Doe', { status: 'terminated' }), ...crowd(9)]);
    expect((await sync.runSource(source, cfg, { dryRun: true })).plan).toEqual([
      '- terminate jdoe',
      '~ jdoe status: active -> terminated',
      '~ jdoe -group engineering',
    ]);
  });

  it('rehires a returning employee id as the same identity, username and uidNumber', async () => {
    const { store, cfg, source, sync } = setup([person('E1', 'Ann', 'Lee'), ...crowd(9)]);
    await sync.runSource(source, cfg);
    const before = await byUsername(store, 'alee');
    source.setRecords([person('E1', 'Ann', 'Lee', { status: 'terminated' }), ...crowd(9)]);
    await sync.runSource(source, cfg);
    expect((await byUsername(store, 'alee'))?.state).toBe('terminated');
    expect((await byUsername(store, 'alee'))?.entitlements).toEqual([]);
    source.setRecords([person('E1', 'Ann', 'Lee', { title: 'Manager' }), ...crowd(9)]);
    const rehire = await sync.runSource(source, cfg);
    const after = await byUsername(store, 'alee');
    expect(after).toMatchObject({ id: before!.id, uidNumber: before!.uidNumber, state: 'active', attributes: { title: 'Manager' } });
    expect(rehire.counts.reactivated).toBe(1);
    expect((await store.auditOfSubject(before!.id)).map((a) => a.action)).toEqual(['identity.create', 'identity.terminate', 'identity.rehire']);
  });

  it('terminates people gone from a complete authoritative export', async () => {
    const { store, cfg, source, sync } = setup(crowd(10));
    await sync.runSource(source, cfg);
    source.setRecords(crowd(10).slice(1));
    const run = await sync.runSource(source, cfg);
    expect(run.counts.terminated).toBe(1);
    expect((await store.getIdentity({ by: 'employeeId', value: 'E1000' }))?.state).toBe('terminated');
    expect((await store.getSourceRecord('hr', 'E1000'))?.gone).toBe(true);
  });

  it('never removes access in an incomplete run but still applies additions', async () => {
    const { store, cfg, source, sync } = setup(crowd(10));
    await sync.runSource(source, cfg);
    const changed = crowd(10).slice(2);
    changed[0] = { ...changed[0], status: 'leave' };
    source.setRecords([...changed, person('E9', 'New', 'Hire')]);
    source.incompleteReason = 'page 3 of 4 failed';
    const run = await sync.runSource(source, cfg);
    expect(run.status).toBe('incomplete');
    expect(run.reason).toMatch(/page 3 of 4 failed; access removals skipped \(1 deferred\)/);
    const states = (await store.listIdentities()).map((i) => i.state);
    expect(states.filter((s) => s !== 'active')).toEqual([]);
    expect(await byUsername(store, 'nhire')).not.toBeNull();
    expect((await store.getSourceRecord('hr', 'E1000'))?.gone).toBe(false);
  });

  it('treats a collapsed population as incomplete and terminates nobody', async () => {
    const { store, cfg, source, sync } = setup(crowd(10));
    await sync.runSource(source, cfg);
    source.setRecords(crowd(4));
    const run = await sync.runSource(source, cfg);
    expect(run.status).toBe('incomplete');
    expect(run.reason).toMatch(/population collapsed: 4 records against 10/);
    expect((await store.listIdentities()).every((i) => i.state === 'active')).toBe(true);
  });

  it('holds a run that would remove too many people, and applies exactly it when allowed', async () => {
    const { store, cfg, source, sync } = setup(crowd(10));
    await sync.runSource(source, cfg);
    source.setRecords(crowd(10).slice(3));
    const headBefore = await store.auditHead();
    const held = await sync.runSource(source, cfg);
    expect(held.status).toBe('held');
    expect(held.reason).toMatch(/3 of 10 people \(30.0%\)/);
    expect(held.counts.terminated).toBe(3);
    expect((await store.listIdentities()).every((i) => i.state === 'active')).toBe(true);
    const audit = await store.readAudit(headBefore.seq + 1, 10);
    expect(audit.map((a) => a.action)).toEqual(['run.held']);
    source.setRecords(crowd(10)); // the file is fixed meanwhile; allowing still applies what was held
    const allowed = await sync.allowRun(held.id, { kind: 'helpdesk', id: 'alice' });
    expect(allowed.status).toBe('allowed');
    expect((await store.getRun(held.id))?.status).toBe('allowed');
    expect((await store.listIdentities()).filter((i) => i.state === 'terminated')).toHaveLength(3);
    const last = (await allAudit(store)).at(-1);
    expect(last).toMatchObject({ action: 'run.allowed', actor: { kind: 'helpdesk', id: 'alice' } });
    await expect(sync.allowRun(held.id, { kind: 'helpdesk', id: 'alice' })).rejects.toThrow(/is not held \(its status is allowed\)/);
  });

  it('refuses to allow a held run once a newer run of the source was applied', async () => {
    const { cfg, source, sync, clock } = setup(crowd(10));
    await sync.runSource(source, cfg);
    source.setRecords(crowd(10).slice(5));
    const held = await sync.runSource(source, cfg);
    source.setRecords([...crowd(10), person('E50', 'Late', 'Joiner')]);
    clock.advance(60_000);
    expect((await sync.runSource(source, cfg)).status).toBe('applied');
    await expect(sync.allowRun(held.id, { kind: 'helpdesk', id: 'bob' })).rejects.toThrow(/was applied after it/);
  });

  it('opens a dispute when a join rule matches two identities and changes nothing for that person', async () => {
    const { store, cfg, source, sync } = setup([]);
    const oktaCfg = sourceSchema.parse({ name: 'okta', kind: 'fake', authoritative: false, join: ['mail'], records: [
      { externalId: 'o1', givenName: 'Sam', sn: 'Roe', mail: 'sam@example.com' },
      { externalId: 'o2', givenName: 'Samuel', sn: 'Roe', mail: 'sam@example.com' },
    ] }) as Extract<SourceConfig, { kind: 'fake' }>;
    await sync.runSource(new FakeSource(oktaCfg), oktaCfg);
    source.setRecords([person('E7', 'Sam', 'Roe', { mail: 'SAM@example.com' })]);
    const run = await sync.runSource(source, cfg);
    expect(run.counts.disputed).toBe(1);
    expect(await store.getIdentity({ by: 'employeeId', value: 'E7' })).toBeNull();
    expect(await store.getSourceRecord('hr', 'E7')).toBeNull();
    const [dispute] = await store.listDisputes(true);
    expect(dispute).toMatchObject({ source: 'hr', externalId: 'E7', rule: 'mail' });
    expect(dispute.candidates).toHaveLength(2);
    expect((await allAudit(store)).at(-1)).toMatchObject({ action: 'dispute.open', subject: { kind: 'dispute', id: dispute.id } });
    const again = await sync.runSource(source, cfg);
    expect(again.counts.disputed).toBe(1);
    expect(await store.listDisputes(true)).toHaveLength(1);
  });

  it('merges two sources by precedence and records provenance per attribute', async () => {
    const oktaCfg = sourceSchema.parse({ name: 'okta', kind: 'fake', authoritative: false, precedence: 50, attributePrecedence: { title: 150 }, records: [
      { externalId: 'o1', employeeId: 'E1', givenName: 'Jane', sn: 'Doe', mail: 'Jane.Doe@corp.example.com', title: 'Eng II' },
    ] }) as Extract<SourceConfig, { kind: 'fake' }>;
    const { store, cfg, source, sync } = setup([person('E1', 'Jane', 'Doe', { title: 'Engineer', mail: 'jane@example.com' })], {}, [oktaCfg]);
    await sync.runSource(source, cfg);
    await sync.runSource(new FakeSource(oktaCfg), oktaCfg);
    const jane = await byUsername(store, 'jdoe');
    expect(jane?.links).toEqual([{ source: 'hr', externalId: 'E1' }, { source: 'okta', externalId: 'o1' }]);
    expect(jane?.attributes).toMatchObject({ mail: 'jane.doe@corp.example.com', title: 'Engineer', department: 'Engineering' });
    expect(jane?.provenance.mail).toEqual({ source: 'okta', externalId: 'o1', rule: 'precedence:okta(50)' });
    expect(jane?.provenance.title).toEqual({ source: 'hr', externalId: 'E1', rule: 'precedence:hr(100)' });
    // HR changes the title: okta still ranks below HR for it, HR's value wins on the HR run too
    source.setRecords([person('E1', 'Jane', 'Doe', { title: 'Staff Engineer', mail: 'jane@example.com' })]);
    await sync.runSource(source, cfg);
    const later = await byUsername(store, 'jdoe');
    expect(later?.attributes).toMatchObject({ mail: 'jane.doe@corp.example.com', title: 'Staff Engineer' });
    expect(later?.provenance.mail.source).toBe('okta');
  });

  it('moves prehires to active on their start date and terminates after the end date, on unchanged records', async () => {
    const { store, cfg, source, sync, clock } = setup([
      person('E1', 'Pre', 'Hire', { startDate: '2026-03-15' }),
      person('E2', 'Leav', 'Ing', { endDate: '2026-03-12' }),
      ...crowd(8),
    ]);
    await sync.runSource(source, cfg);
    expect((await byUsername(store, 'phire'))?.state).toBe('prehire');
    expect((await byUsername(store, 'ling'))?.state).toBe('active');
    clock.set('2026-03-13T06:00:00Z');
    await sync.runSource(source, cfg);
    expect((await byUsername(store, 'ling'))?.state).toBe('terminated');
    clock.set('2026-03-15T06:00:00Z');
    expect((await sync.runSource(source, cfg, { dryRun: true })).plan).toEqual(['~ activate phire']);
    const run = await sync.runSource(source, cfg);
    expect((await byUsername(store, 'phire'))?.state).toBe('active');
    expect(run.changes.map((c) => [c.username, c.action])).toEqual([['phire', 'identity.activate']]);
  });

  it('keeps the audit chain intact across runs', async () => {
    const { store, cfg, source, sync } = setup(crowd(5));
    await sync.runSource(source, cfg);
    source.setRecords(crowd(5).map((r) => ({ ...r, title: 'Lead' })));
    await sync.runSource(source, cfg);
    const verifier = new ChainVerifier();
    for (const r of await allAudit(store)) verifier.push(r);
    expect(verifier.finish(await store.auditHead())).toBeNull();
    expect(verifier.count).toBe(10);
  });

  it('applies a subset of records without treating anyone absent as a leaver', async () => {
    const { store, cfg, source, sync } = setup(crowd(5));
    await sync.runSource(source, cfg);
    const report = await sync.applyRecords(source, cfg, [{ externalId: 'E1001', attributes: { ...crowd(5)[1], title: 'Principal' } }], {
      actor: { kind: 'helpdesk', id: 'carol' },
      correlationId: 'resync-42',
    });
    expect(report.counts).toMatchObject({ updated: 1, terminated: 0 });
    expect(report.changes).toHaveLength(1);
    expect(report.changes[0]).toMatchObject({ employeeId: 'E1001', action: 'identity.update', correlationId: 'resync-42' });
    expect(report.changes[0].diff.attributes).toEqual({ title: { before: 'Engineer', after: 'Principal' } });
    expect((await store.listIdentities()).every((i) => i.state === 'active')).toBe(true);
    expect((await allAudit(store)).at(-1)).toMatchObject({ actor: { kind: 'helpdesk', id: 'carol' }, correlationId: 'resync-42' });
  });

  it('reports a source that cannot be read as a failed run naming the reason', async () => {
    const { store, cfg, sync } = setup([]);
    const broken = { name: 'hr', kind: 'fake', authoritative: true, read: async () => { throw new Error('HR file /nope.csv does not exist'); } };
    const run = await sync.runSource(broken, cfg);
    expect(run).toMatchObject({ status: 'failed', reason: 'HR file /nope.csv does not exist' });
    expect((await store.getRun(run.id))?.status).toBe('failed');
  });
});
