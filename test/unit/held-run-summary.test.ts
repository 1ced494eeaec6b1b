import { sourceSchema, type SourceConfig } from '../../src/config/sections/sources';
import { FakeSource } from '../../src/connectors/sources/fake/fake-source';
import type { IdentityDiff } from '../../src/domain/identity-diff';
import type { Identity, Intent } from '../../src/domain/types';
import { noTargetsPlanner } from '../../src/ports/access-policy';
import { ManualClock } from '../../src/ports/clock';
import { summariseTargetHold } from '../../src/services/provisioning/holds';
import { departmentGroupsPolicy } from '../../src/services/policy/department-groups';
import { SyncService, silentLogger, type PersonChange } from '../../src/services/sync';
import { summariseChanges } from '../../src/services/sync/run-summary';
import { MemoryStore } from '../../src/storage/memory/memory-store';

const T = '2026-03-10T08:00:00.000Z';
const noDiff: IdentityDiff = { attributes: {}, provenance: {}, state: null, entitlementsAdded: [], entitlementsRemoved: [], links: false };

function change(username: string, action: PersonChange['action'], over: Partial<PersonChange> = {}): PersonChange {
  return {
    identityId: `id-${username}`, username, uidNumber: 1, employeeId: `E-${username}`, source: 'hr', externalId: `E-${username}`,
    action, correlationId: 'c', diff: noDiff, removesAccess: action === 'identity.terminate' || action === 'identity.suspend', deferred: false, ...over,
  };
}

describe('summariseChanges', () => {
  it('counts every change and lists the first people, those losing access first, with what happens to each', () => {
    const changes = [
      change('ann', 'identity.create'),
      change('bob', 'identity.update', { diff: { ...noDiff, attributes: { title: { before: 'Engineer', after: 'Lead' } } } }),
      change('cy', 'identity.terminate'),
      change('di', 'identity.update', { removesAccess: true, diff: { ...noDiff, entitlementsRemoved: [{ kind: 'group', name: 'vpn', rule: 'r' }] } }),
      change('ed', 'identity.suspend'),
      change('fay', 'identity.update', { diff: { ...noDiff, links: true } }),
    ];
    const summary = summariseChanges(changes, 4);
    expect(summary).toMatchObject({ creates: 1, updates: 3, terminations: 1, suspensions: 1, accessRemovals: 3, people: 6 });
    expect(summary.first).toEqual([
      { username: 'cy', lines: ['- terminate cy'], removesAccess: true },
      { username: 'di', lines: ['~ di -group vpn'], removesAccess: true },
      { username: 'ed', lines: ['- suspend ed'], removesAccess: true },
      { username: 'ann', lines: ['+ create ann (E-ann)'], removesAccess: false },
    ]);
    expect(summariseChanges(changes).first.map((p) => p.username)).toEqual(['cy', 'di', 'ed', 'ann', 'bob', 'fay']);
    expect(summariseChanges(changes).first.at(-1)?.lines).toEqual(['~ fay (sources or provenance only)']);
  });

  it('says nothing happens for a run without changes', () => {
    expect(summariseChanges([])).toEqual({ creates: 0, updates: 0, terminations: 0, suspensions: 0, accessRemovals: 0, people: 0, first: [] });
  });
});

describe('summariseTargetHold', () => {
  const identity = (id: string, username: string, state: Identity['state']) => ({ id, username, state }) as Identity;
  const intent = (id: string, identityId: string, status: Intent['status'] = 'held') => ({ id, identityId, status, target: 'gitea' }) as Intent;

  it('counts each held person once as an access removal, by their state now', () => {
    const people = new Map([identity('i1', 'ann', 'terminated'), identity('i2', 'bob', 'suspended')].map((i) => [i.id, i]));
    const summary = summariseTargetHold('gitea', [intent('a', 'i1'), intent('b', 'i1'), intent('c', 'i2'), intent('d', 'i3'), intent('e', 'i4', 'pending')], people);
    expect(summary).toMatchObject({ creates: 0, terminations: 1, suspensions: 1, updates: 1, accessRemovals: 3, people: 3 });
    expect(summary.first.map((p) => p.lines[0])).toEqual([
      '- remove access in gitea for ann (now terminated)',
      '- remove access in gitea for bob (now suspended)',
      '- remove access in gitea for i3 (no longer in the store)',
    ]);
  });
});

describe('previewHeldRun', () => {
  const person = (i: number) => ({ employeeId: `E${i}`, givenName: `Given${i}`, sn: `Family${i}`, mail: `p${i}@example.com`, department: 'Engineering', status: 'active' });

  it('plans what allowing a held run would do, writes nothing, and refuses a run that is not held', async () => {
    const store = new MemoryStore();
    const cfg = sourceSchema.parse({ name: 'hr', kind: 'fake', records: Array.from({ length: 10 }, (_, i) => person(i)) }) as Extract<SourceConfig, { kind: 'fake' }>;
    const source = new FakeSource(cfg);
    const identity = { uidNumberStart: 10000, gidNumberStart: 20000, defaultGroup: 'staff', usernameMaxLength: 20 };
    const sync = new SyncService({ store, clock: new ManualClock(new Date(T)), policy: departmentGroupsPolicy, planner: noTargetsPlanner, identity, log: silentLogger, sources: [cfg] });
    await sync.runSource(source, cfg);
    source.setRecords([...Array.from({ length: 6 }, (_, i) => person(i)), person(20)]);
    const held = await sync.runSource(source, cfg);
    expect(held.status).toBe('held');
    const head = await store.auditHead();

    const preview = await sync.previewHeldRun(held.id);
    const summary = summariseChanges(preview.changes);
    expect(summary).toMatchObject({ creates: 1, terminations: 4, accessRemovals: 4, people: 5 });
    expect(summary.first[0].lines).toEqual(['- terminate gfamily6', '~ gfamily6 -group engineering']);
    expect(await store.auditHead()).toEqual(head);
    expect((await store.getRun(held.id))?.status).toBe('held');
    expect((await store.listIdentities()).filter((i) => i.state === 'terminated')).toHaveLength(0);

    await sync.allowRun(held.id, { kind: 'helpdesk', id: 'olga' });
    await expect(sync.previewHeldRun(held.id)).rejects.toThrow(/is not held \(its status is allowed\)/);
  });
});
