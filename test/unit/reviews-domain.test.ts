import { rolesSchema } from '../../src/config/sections/targets';
import { createRolePolicy } from '../../src/domain/roles';
import { departmentGroupsPolicy } from '../../src/services/policy/department-groups';
import {
  exceptionOf,
  mayDecide,
  openCampaign,
  OPERATORS_REVIEWER,
  parseScope,
  progressOf,
  ReviewScopeError,
  ruleFingerprint,
  withExceptions,
  type ReviewItem,
} from '../../src/domain/reviews';
import type { Identity } from '../../src/domain/types';
import { person } from './provisioning-fixtures';

const roleConfig = [
  { name: 'engineering', when: 'department == "Engineering"', groups: ['eng'], targets: { gitea: { groups: ['developers'] } } },
  { name: 'leads', when: 'title.contains("Lead")', include: ['vpn'], groups: ['leads'] },
  { name: 'vpn', groups: ['vpn'] },
];
const targets = [{ name: 'gitea' }, { name: 'wiki' }];
const policyOf = (roles: unknown[]) => createRolePolicy(rolesSchema.parse(roles), targets, departmentGroupsPolicy);
const policy = policyOf(roleConfig);

function withAccess(p: Identity): Identity {
  return { ...p, entitlements: policy.entitlements(p) };
}

const known = { roles: ['engineering', 'leads', 'vpn'], targets: ['gitea', 'wiki'], groups: ['eng', 'leads', 'vpn', 'Sales'] };
let ids = 0;
const newId = () => `item-${++ids}`;
const actor = { kind: 'helpdesk' as const, id: 'ops' };

function campaign(identities: Identity[], scope = parseScope(undefined, undefined, known)) {
  return openCampaign({ id: 'c1', name: 'Q1-2027', scope, openedBy: actor, now: '2027-01-05T09:00:00Z', identities, newId });
}

describe('campaign items', () => {
  const boss = withAccess(person({ department: 'Engineering', title: 'Lead' }, 'active', { employeeId: 'M1', username: 'boss' }));
  const dev = withAccess(person({ department: 'Engineering', manager: 'M1' }, 'active', { username: 'dev' }));
  const gone = withAccess(person({ department: 'Sales', manager: 'M1' }, 'active', { employeeId: 'M2', username: 'gone' }));
  const orphan = withAccess(person({ department: 'Engineering', manager: 'M2' }, 'active', { username: 'orphan' }));
  const leaver = person({ department: 'Engineering', manager: 'M1' }, 'terminated', {
    username: 'leaver',
    entitlements: [{ kind: 'group', name: 'eng', rule: 'role:engineering' }],
  });

  it('makes every entitlement of every active person an item with the rule that granted it', () => {
    const { items } = campaign([boss, dev, leaver]);
    const devItems = items.filter((i) => i.username === 'dev');
    expect(devItems.map((i) => [i.entitlement.kind, i.entitlement.name, i.rule]).sort()).toEqual(
      dev.entitlements.map((e) => [e.kind, e.name, e.rule]).sort(),
    );
    expect(devItems.find((i) => i.entitlement.name === 'gitea')?.entitlement.values).toEqual(['developers']);
    expect(items.some((i) => i.username === 'leaver')).toBe(false);
    expect(items.every((i) => i.decision === null && i.campaignId === 'c1')).toBe(true);
  });

  it("assigns items to the manager's identity named by the HR manager attribute", () => {
    const { items } = campaign([boss, dev]);
    expect(new Set(items.filter((i) => i.username === 'dev').map((i) => i.reviewer))).toEqual(new Set([boss.id]));
  });

  it('sends items to the operators when there is no manager, or the manager is not active', () => {
    const suspendedManager = { ...gone, state: 'suspended' as const };
    const { items } = campaign([boss, suspendedManager, orphan]);
    expect(new Set(items.filter((i) => i.username === 'boss').map((i) => i.reviewer))).toEqual(new Set([OPERATORS_REVIEWER]));
    expect(new Set(items.filter((i) => i.username === 'orphan').map((i) => i.reviewer))).toEqual(new Set([OPERATORS_REVIEWER]));
    const unknownManager = withAccess(person({ department: 'Sales', manager: 'NOBODY' }));
    expect(campaign([unknownManager]).items.every((i) => i.reviewer === OPERATORS_REVIEWER)).toBe(true);
  });

  it('filters by role (anywhere on the rule path), target and group', () => {
    const ppl = [boss, dev];
    const byRole = campaign(ppl, parseScope('role', 'vpn', known)).items;
    expect(byRole.map((i) => [i.username, i.rule])).toEqual([['boss', 'role:leads<-vpn']]);
    const byTarget = campaign(ppl, parseScope('target', 'gitea', known)).items;
    expect(byTarget.every((i) => i.entitlement.kind === 'account' && i.entitlement.name === 'gitea')).toBe(true);
    expect(byTarget.map((i) => i.username).sort()).toEqual(['boss', 'dev']);
    const byGroup = campaign(ppl, parseScope('group', 'ENG', known)).items;
    expect(byGroup.map((i) => [i.username, i.entitlement.kind, i.entitlement.name])).toEqual([
      ['boss', 'group', 'eng'],
      ['dev', 'group', 'eng'],
    ]);
  });

  it('refuses an unknown scope kind or name with a sentence naming it', () => {
    expect(() => parseScope('team', 'x', known)).toThrow(/unknown scope kind "team"/);
    expect(() => parseScope('role', 'nope', known)).toThrow(ReviewScopeError);
    expect(() => parseScope('role', 'nope', known)).toThrow(/no role named "nope" \(known roles: engineering, leads, vpn\)/);
    expect(() => parseScope('target', undefined, known)).toThrow(/needs a name/);
  });

  it('counts progress per reviewer', () => {
    const { items } = campaign([boss, dev]);
    items[0] = { ...items[0], decision: 'revoke' };
    const p = progressOf(items);
    expect([p.items, p.decided, p.revoked, p.kept]).toEqual([items.length, 1, 1, 0]);
  });

  it('lets only the assigned reviewer decide, operators the operators items, nobody their own', () => {
    const item = { reviewer: 'm', identityId: 'p' } as ReviewItem;
    expect(mayDecide(item, { identityId: 'm', operator: false })).toBe(true);
    expect(mayDecide(item, { identityId: 'x', operator: true })).toBe(false);
    const ops = { reviewer: OPERATORS_REVIEWER, identityId: 'p' } as ReviewItem;
    expect(mayDecide(ops, { identityId: 'x', operator: true })).toBe(true);
    expect(mayDecide(ops, { identityId: 'x', operator: false })).toBe(false);
    expect(mayDecide(ops, { identityId: 'p', operator: true })).toBe(false);
  });
});

describe('exceptions', () => {
  const dev = withAccess(person({ department: 'Engineering' }));
  const item = (name: string, kind: 'group' | 'account', rule: string): ReviewItem => ({
    id: 'i1', campaignId: 'c1', identityId: dev.id, username: dev.username, entitlement: { kind, name }, rule, reviewer: 'm',
    decision: 'revoke', comment: null, decidedBy: actor, decidedAt: 'now',
  });
  const revokeGitea = (p = policy) => exceptionOf(item('gitea', 'account', 'role:engineering'), ruleFingerprint(p, 'role:engineering'), actor, 'now', 'x1');

  it('removes the revoked entitlement and nothing else while the rule stands', () => {
    const after = withExceptions(policy, [revokeGitea()]).entitlements(dev);
    expect(after.find((e) => e.name === 'gitea')).toBeUndefined();
    expect(after).toContainEqual({ kind: 'group', name: 'eng', rule: 'role:engineering' });
    expect(after.length).toBe(dev.entitlements.length - 1);
    // another person keeps it
    const other = person({ department: 'Engineering' });
    expect(withExceptions(policy, [revokeGitea()]).entitlements(other).some((e) => e.name === 'gitea')).toBe(true);
  });

  it('lapses when the condition or the grants of the rule change, not when another role changes', () => {
    const x = revokeGitea();
    const condition = policyOf([{ ...roleConfig[0], when: 'department == "Engineering" || department == "R&D"' }, ...roleConfig.slice(1)]);
    expect(withExceptions(condition, [x]).entitlements(dev).some((e) => e.name === 'gitea')).toBe(true);
    const grants = policyOf([{ ...roleConfig[0], targets: { gitea: { groups: ['developers', 'ci'] } } }, ...roleConfig.slice(1)]);
    expect(withExceptions(grants, [x]).entitlements(dev).some((e) => e.name === 'gitea')).toBe(true);
    const unrelated = policyOf([roleConfig[0], { ...roleConfig[1], groups: ['leads', 'managers'] }, roleConfig[2]]);
    expect(withExceptions(unrelated, [x]).entitlements(dev).some((e) => e.name === 'gitea')).toBe(false);
  });

  it('fingerprints an include path by the matching role condition and the granting role grants', () => {
    const base = ruleFingerprint(policy, 'role:leads<-vpn');
    expect(ruleFingerprint(policyOf([roleConfig[0], roleConfig[1], { name: 'vpn', groups: ['vpn', 'wifi'] }]), 'role:leads<-vpn')).not.toBe(base);
    expect(ruleFingerprint(policyOf([roleConfig[0], { ...roleConfig[1], when: 'true' }, roleConfig[2]]), 'role:leads<-vpn')).not.toBe(base);
    expect(ruleFingerprint(policyOf(roleConfig), 'role:leads<-vpn')).toBe(base);
  });

  it('holds an exception on a built-in grant (department group) for good', () => {
    const x = exceptionOf(item('engineering', 'group', 'builtin:department'), ruleFingerprint(policy, 'builtin:department'), actor, 'now', 'x2');
    expect(withExceptions(policyOf(roleConfig.slice(1)), [x]).entitlements(dev).some((e) => e.name === 'engineering')).toBe(false);
    expect(dev.entitlements.some((e) => e.name === 'engineering')).toBe(true);
  });
});
