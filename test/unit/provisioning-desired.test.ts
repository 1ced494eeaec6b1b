import { desiredAccount, planAccount, renderPlan, createIntentPlanner, PRIORITY_REVOKE, PRIORITY_CHANGE, removalVerdict } from '../../src/domain/provisioning';
import type { Entitlement } from '../../src/domain/types';
import { person } from './provisioning-fixtures';

const gitea = { name: 'gitea', deleteAfterDays: 30, attributes: ['givenName', 'sn', 'title'] };
const grant = (values: string[] = ['developers']): Entitlement[] => [{ kind: 'account', name: 'gitea', values, rule: 'role:engineering' }];
const now = new Date('2026-03-01T00:00:00Z');

describe('desired account', () => {
  it('is active with the granted groups for an entitled active person', () => {
    const p = person({ title: 'Engineer' }, 'active', { entitlements: grant(['b', 'a', 'b']) });
    expect(desiredAccount(p, gitea, now)).toEqual({
      identityId: p.id,
      userName: p.username,
      active: true,
      attributes: { givenName: 'Ada', sn: 'Lovelace', title: 'Engineer' },
      groups: ['a', 'b'],
    });
  });

  it('is disabled with no groups when suspended, terminated within retention, or no longer entitled', () => {
    for (const [state, ents] of [['suspended', grant()], ['terminated', grant()], ['active', []]] as const) {
      const d = desiredAccount(person({}, state, { entitlements: [...ents], stateChangedAt: '2026-02-20T00:00:00Z' }), gitea, now);
      expect(d).toMatchObject({ active: false, groups: [] });
    }
  });

  it('is null (delete) once a leaver is past the retention, never when retention is unset', () => {
    const leaver = person({}, 'terminated', { stateChangedAt: '2026-01-15T00:00:00Z' });
    expect(desiredAccount(leaver, gitea, now)).toBeNull();
    expect(desiredAccount(leaver, { ...gitea, deleteAfterDays: null }, now)).toMatchObject({ active: false });
  });

  it('can use mail as the userName', () => {
    const p = person({ mail: 'Ada@Example.com' }, 'active', { entitlements: grant() });
    expect(desiredAccount(p, { ...gitea, userNameFrom: 'mail' }, now)?.userName).toBe('Ada@Example.com');
  });
});

describe('account plan', () => {
  const desired = { identityId: 'i', userName: 'ada', active: true, attributes: { title: 'Lead', sn: null }, groups: ['x'] };
  const actual = { externalId: 'e1', userName: 'ada', active: true, attributes: { title: 'Engineer' }, groups: ['x'] };

  it('creates, updates, disables, removes or does nothing', () => {
    expect(planAccount(null, desired).action).toBe('create');
    expect(planAccount(null, { ...desired, active: false }).action).toBe('none');
    expect(planAccount(actual, { ...desired, active: false }).action).toBe('disable');
    expect(planAccount({ ...actual, active: false }, { ...desired, active: false }).action).toBe('none');
    expect(planAccount(actual, null).action).toBe('remove');
    expect(planAccount(null, null).action).toBe('none');
    expect(planAccount({ ...actual, attributes: { title: 'Lead' } }, desired).action).toBe('none');
  });

  it('renders attribute changes as "~ attribute: old -> new" and re-enables a hand-disabled account', () => {
    const plan = planAccount({ ...actual, active: false }, desired);
    expect(renderPlan('gitea', 'ada', plan)).toEqual(['~ update gitea ada', '~ active: false -> true', '~ title: Engineer -> Lead']);
    expect(renderPlan('gitea', 'ada', planAccount(null, desired))[0]).toBe('+ create gitea ada');
    expect(renderPlan('gitea', 'ada', planAccount(actual, { ...desired, active: false }))).toEqual(['- disable gitea ada']);
  });
});

describe('intent planner', () => {
  const planner = createIntentPlanner([gitea, { name: 'wiki' }], () => now);
  const wikiGrant: Entitlement = { kind: 'account', name: 'wiki', values: [], rule: 'builtin:all-active' };

  it('plans nothing for an unchanged desired state, and nothing for a new person with no entitlement', () => {
    const p = person({}, 'active', { entitlements: grant() });
    expect(planner.intentsFor(p, { ...p, revision: 2 }, 'c1', 'now')).toEqual([]);
    expect(planner.intentsFor(null, person({}, 'prehire'), 'c1', 'now')).toEqual([]);
  });

  it('puts terminations and suspensions at priority 1 on every target the person had', () => {
    const p = person({}, 'active', { entitlements: [...grant(), wikiGrant] });
    const gone = { ...p, state: 'terminated' as const, entitlements: [] };
    const intents = planner.intentsFor(p, gone, 'corr-9', '2026-03-01T00:00:00Z');
    expect(intents.map((i) => [i.target, i.priority, i.correlationId, i.status])).toEqual([
      ['gitea', PRIORITY_REVOKE, 'corr-9', 'pending'],
      ['wiki', PRIORITY_REVOKE, 'corr-9', 'pending'],
    ]);
  });

  it('gives a mover a normal-priority change where access changes and priority 1 where it is lost', () => {
    const p = person({ department: 'Engineering' }, 'active', { entitlements: [...grant(), wikiGrant] });
    const moved = { ...p, attributes: { ...p.attributes, department: 'Sales' }, entitlements: [wikiGrant] };
    const intents = planner.intentsFor(p, moved, 'c', 'now');
    // wiki carries department (default attributes), so it gets a normal update
    expect(intents.map((i) => [i.target, i.priority])).toEqual([['gitea', PRIORITY_REVOKE], ['wiki', PRIORITY_CHANGE]]);
    const joiner = planner.intentsFor(null, p, 'c', 'now');
    expect(joiner.map((i) => [i.target, i.priority])).toEqual([['gitea', PRIORITY_CHANGE], ['wiki', PRIORITY_CHANGE]]);
  });
});

describe('removal threshold', () => {
  const t = { maxRemovals: 5, maxRemovalPercent: 10 };
  it('holds over the count or the percentage, judges tiny targets by count only', () => {
    expect(removalVerdict('gitea', 6, 1000, t).hold).toBe(true);
    expect(removalVerdict('gitea', 5, 40, t)).toMatchObject({ hold: true, reason: expect.stringContaining('12.5% of 40') });
    expect(removalVerdict('gitea', 5, 100, t).hold).toBe(false);
    expect(removalVerdict('gitea', 2, 3, t).hold).toBe(false);
    expect(removalVerdict('gitea', 0, 0, t).hold).toBe(false);
  });
});
