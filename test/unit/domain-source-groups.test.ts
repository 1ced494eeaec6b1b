import { GroupMembership } from '../../src/domain/group-membership';
import { compileCondition } from '../../src/domain/roles';
import { groupHoldReasons, type SafetyLimits } from '../../src/domain/safety';
import { planSourceGroups, tombstoneGroupName, type SourceGroupsInput } from '../../src/domain/source-groups';
import type { Group, Identity } from '../../src/domain/types';

const NOW = '2026-03-10T08:00:00.000Z';
const people: Record<string, string> = { u1: 'id-1', u2: 'id-2', u3: 'id-3' };

function input(over: Partial<SourceGroupsInput>): SourceGroupsInput {
  return {
    source: 'okta',
    prefix: 'okta-',
    mode: 'full',
    complete: true,
    groups: [],
    removed: [],
    existing: [],
    identityOf: (ext) => people[ext] ?? null,
    takenByOthers: new Map(),
    now: NOW,
    ...over,
  };
}

const stored = (name: string, externalId: string, members: string[], memberGroups: string[] = [], gidNumber = 30_000): Group => ({
  name,
  gidNumber,
  description: null,
  origin: 'source:okta',
  createdAt: '2026-01-01T00:00:00.000Z',
  externalId,
  members,
  memberGroups,
});

describe('planSourceGroups', () => {
  it('creates prefixed groups with resolved members and nested groups by name; unknown people are left out', () => {
    const plan = planSourceGroups(input({ groups: [{ externalId: 'g1', name: 'Eng', members: ['u1', 'nobody'], memberGroups: ['g2'] }, { externalId: 'g2', name: 'SRE', members: ['u2'] }] }));
    expect(plan.changes.map((c) => [c.action, c.after.name, c.after.members, c.after.memberGroups, c.after.gidNumber])).toEqual([
      ['group.create', 'okta-Eng', ['id-1'], ['okta-SRE'], 0],
      ['group.create', 'okta-SRE', ['id-2'], [], 0],
    ]);
    expect(plan.changes[0].after.origin).toBe('source:okta');
  });

  it('a complete full read replaces members and turns a missing group into a tombstone that keeps its gidNumber', () => {
    const existing = [stored('okta-Eng', 'g1', ['id-1', 'id-2'], ['okta-SRE']), stored('okta-SRE', 'g2', ['id-3'], [], 30_001)];
    const plan = planSourceGroups(input({ existing, groups: [{ externalId: 'g1', name: 'Eng', members: ['u1'] }] }));
    const [del, upd] = [plan.changes.find((c) => c.action === 'group.delete')!, plan.changes.find((c) => c.action === 'group.update')!];
    expect(upd).toMatchObject({ membersRemoved: ['id-2'], groupsRemoved: ['okta-SRE'], replaces: null });
    expect(del.after).toMatchObject({ name: tombstoneGroupName('okta', 'g2'), formerName: 'okta-SRE', gidNumber: 30_001, members: [], deletedAt: NOW });
    expect(del.replaces).toBe('okta-SRE');
    expect(plan).toMatchObject({ membershipsBefore: 3, membersRemoved: 2, groupsBefore: 2, groupsEmptied: 1 });
  });

  it('an incomplete read only adds: members, nested groups and groups stay', () => {
    const existing = [stored('okta-Eng', 'g1', ['id-1', 'id-2'], ['okta-SRE']), stored('okta-SRE', 'g2', ['id-3'])];
    const full = planSourceGroups(input({ existing, complete: false, groups: [{ externalId: 'g1', name: 'Eng', members: ['u3'], memberGroups: [] }] }));
    expect(full.changes).toHaveLength(1);
    expect(full.changes[0]).toMatchObject({ membersAdded: ['id-3'], membersRemoved: [], groupsRemoved: [] });
    const delta = planSourceGroups(
      input({ existing, mode: 'delta', complete: false, removed: ['g2'], groups: [{ externalId: 'g1', name: 'Eng', memberChanges: { added: [], removed: ['u1'], removedGroups: ['g2'] } }] }),
    );
    expect(delta.changes).toEqual([]);
    expect(delta.membersRemoved).toBe(0);
  });

  it('a delta applies member changes and removed groups, leaving other groups alone', () => {
    const existing = [stored('okta-Eng', 'g1', ['id-1']), stored('okta-SRE', 'g2', ['id-3']), stored('okta-Ops', 'g3', ['id-2'])];
    const plan = planSourceGroups(input({ existing, mode: 'delta', removed: ['g2'], groups: [{ externalId: 'g1', name: 'Eng', memberChanges: { added: ['u2'], removed: ['u1'] } }] }));
    expect(plan.changes.map((c) => [c.action, c.externalId, c.membersAdded, c.membersRemoved])).toEqual([
      ['group.update', 'g1', ['id-2'], ['id-1']],
      ['group.delete', 'g2', [], ['id-3']],
    ]);
  });

  it('restores a deleted group with its gidNumber and renames move the row and the parents that nest it', () => {
    const tombstone: Group = { ...stored(tombstoneGroupName('okta', 'g2'), 'g2', [], [], 30_007), formerName: 'okta-SRE', deletedAt: '2026-02-01T00:00:00.000Z' };
    const existing = [stored('okta-Eng', 'g1', ['id-1'], ['okta-Old'], 30_000), stored('okta-Old', 'g3', ['id-2'], [], 30_003), tombstone];
    const plan = planSourceGroups(
      input({
        existing,
        groups: [
          { externalId: 'g1', name: 'Eng', members: ['u1'], memberGroups: ['g3'] },
          { externalId: 'g2', name: 'SRE', members: ['u3'] },
          { externalId: 'g3', name: 'New', members: ['u2'] },
        ],
      }),
    );
    const by = (ext: string) => plan.changes.find((c) => c.externalId === ext)!;
    expect(by('g2')).toMatchObject({ action: 'group.restore', replaces: tombstone.name, after: { name: 'okta-SRE', gidNumber: 30_007 } });
    expect(by('g3')).toMatchObject({ action: 'group.update', replaces: 'okta-Old', after: { name: 'okta-New', gidNumber: 30_003 } });
    expect(by('g1').after.memberGroups).toEqual(['okta-New']);
  });

  it('does not take a name another origin holds, and says which source needs a prefix', () => {
    const plan = planSourceGroups(input({ prefix: '', takenByOthers: new Map([['engineering', 'department']]), groups: [{ externalId: 'g1', name: 'Engineering', members: ['u1'], location: 'groups page 1' }] }));
    expect(plan.changes).toEqual([]);
    expect(plan.problems).toEqual([{ location: 'groups page 1', message: 'group "Engineering" (g1) not applied: the name is taken by a group of origin "department"; set groups.prefix on source "okta"' }]);
  });

  it('never writes over a tombstone, its own source\'s or another\'s, and skips a group without a name', () => {
    const tombstone: Group = { ...stored(tombstoneGroupName('okta', 'g9'), 'g9', [], [], 30_009), deletedAt: NOW };
    const plan = planSourceGroups(
      input({
        prefix: '',
        existing: [tombstone],
        takenByOthers: new Map([['deleted:entra:x', 'source:entra']]),
        groups: [
          { externalId: 'g1', name: 'deleted:okta:g9', members: ['u1'] },
          { externalId: 'g2', name: 'deleted:entra:x', members: ['u1'] },
          { externalId: 'g3', name: '  ', members: ['u1'] },
        ],
      }),
    );
    expect(plan.changes).toEqual([]);
    expect(plan.problems.map((p) => p.message)).toEqual([
      'group "deleted:okta:g9" (g1) not applied: the name is taken by group g9 of the same source; set groups.prefix on source "okta"',
      'group "deleted:entra:x" (g2) not applied: the name is taken by a group of origin "source:entra"; set groups.prefix on source "okta"',
      'group g3 has no name; not applied',
    ]);
  });

  it('writes nothing for a group that did not change', () => {
    const existing = [stored('okta-Eng', 'g1', ['id-1'])];
    expect(planSourceGroups(input({ existing, groups: [{ externalId: 'g1', name: 'Eng', members: ['u1'] }] })).changes).toEqual([]);
  });
});

describe('groupHoldReasons', () => {
  const limits: SafetyLimits = { maxRemovals: 500, maxRemovalPercent: 20, minPopulationRatio: 0.5 };
  it('never holds at or below the floor, so tiny groups emptied do not trip it', () => {
    expect(groupHoldReasons({ membershipsBefore: 4, membersRemoved: 4, groupsBefore: 2, groupsEmptied: 2 }, limits)).toEqual([]);
  });
  it('holds above the floor beyond the percentage or the count', () => {
    expect(groupHoldReasons({ membershipsBefore: 100, membersRemoved: 30, groupsBefore: 50, groupsEmptied: 0 }, limits)).toEqual([
      'run would remove 30 of 100 group memberships (30.0%), more than the limit of 20%',
    ]);
    expect(groupHoldReasons({ membershipsBefore: 10_000, membersRemoved: 600, groupsBefore: 500, groupsEmptied: 11 }, { ...limits, groupChangeFloor: 5 })).toEqual([
      'run would remove 600 group memberships, more than the limit of 500',
    ]);
    expect(groupHoldReasons({ membershipsBefore: 1000, membersRemoved: 15, groupsBefore: 40, groupsEmptied: 12 }, limits)).toEqual([
      'run would empty or delete 12 of 40 groups (30.0%), more than the limit of 20%',
    ]);
  });
});

describe('GroupMembership and role conditions', () => {
  const groups: Group[] = [
    stored('Engineering', 'g1', ['id-1'], ['Platform']),
    stored('Platform', 'g2', ['id-2'], ['Engineering']),
    { ...stored('deleted:okta:g3', 'g3', []), deletedAt: NOW },
  ];
  it('lists direct and nested groups, cycle-safe', () => {
    const m = new GroupMembership(groups);
    expect(m.groupsOf('id-2')).toEqual(['Engineering', 'Platform']);
    expect(m.groupsOf('id-1')).toEqual(['Engineering', 'Platform']);
    expect(m.groupsOf('id-9')).toEqual([]);
  });
  it('"Engineering" in groups sees the source groups given in the context', () => {
    const who = { attributes: {}, state: 'active', username: 'a' } as unknown as Identity;
    const inEng = compileCondition('"Engineering" in groups');
    expect(inEng(who, { groups: ['Engineering'] })).toBe(true);
    expect(inEng(who, { groups: ['Sales'] })).toBe(false);
    expect(inEng(who)).toBe(false);
    expect(compileCondition('groups.exists(g, g.startsWith("okta-"))')(who, { groups: ['okta-Eng'] })).toBe(true);
  });
});
