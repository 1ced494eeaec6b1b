import { rolesSchema } from '../../src/config/sections/targets';
import { createRolePolicy, validateRoles, RoleConfigError, ALL_ACTIVE_RULE } from '../../src/domain/roles';
import { person } from './provisioning-fixtures';

const roles = rolesSchema.parse([
  { name: 'engineering', when: 'department == "Engineering"', groups: ['eng'], targets: { gitea: { groups: ['developers'] } } },
  {
    name: 'eng-leads',
    when: 'department == "Engineering" && title.contains("Lead")',
    include: ['engineering'],
    groups: ['eng-leads'],
    targets: { gitea: { groups: ['leads'] } },
  },
  { name: 'vpn', include: [], groups: ['vpn'] },
  { name: 'contractors', when: 'employeeType == "contractor"', include: ['vpn'], groups: ['contractors'] },
]);
const targets = [{ name: 'gitea' }, { name: 'wiki' }];

describe('role rules', () => {
  const policy = createRolePolicy(roles, targets);

  it('grants a matching role with its provenance', () => {
    const ents = policy.entitlements(person({ department: 'Engineering', title: 'Engineer' }));
    expect(ents).toContainEqual({ kind: 'group', name: 'eng', rule: 'role:engineering' });
    expect(ents).toContainEqual({ kind: 'account', name: 'gitea', values: ['developers'], rule: 'role:engineering' });
    expect(ents.find((e) => e.name === 'eng-leads')).toBeUndefined();
  });

  it('follows includes and records the path through them', () => {
    const ents = policy.entitlements(person({ department: 'Sales', employeeType: 'contractor' }));
    expect(ents).toContainEqual({ kind: 'group', name: 'vpn', rule: 'role:contractors<-vpn' });
    expect(ents).toContainEqual({ kind: 'group', name: 'contractors', rule: 'role:contractors' });
  });

  it('prefers the direct match over the include path for the same role', () => {
    const ents = policy.entitlements(person({ department: 'Engineering', title: 'Team Lead' }));
    expect(ents.filter((e) => e.name === 'eng')).toEqual([{ kind: 'group', name: 'eng', rule: 'role:engineering' }]);
    expect(ents).toContainEqual({ kind: 'group', name: 'eng-leads', rule: 'role:eng-leads' });
    expect(ents.filter((e) => e.kind === 'account' && e.name === 'gitea').map((e) => e.rule)).toEqual([
      'role:eng-leads',
      'role:engineering',
    ]);
  });

  it('gives a target that no role names to every active person, and only to active people', () => {
    const active = policy.entitlements(person({ department: 'Sales' }));
    expect(active).toContainEqual({ kind: 'account', name: 'wiki', values: [], rule: ALL_ACTIVE_RULE });
    expect(active.find((e) => e.name === 'gitea')).toBeUndefined();
    for (const state of ['terminated', 'suspended', 'prehire'] as const) {
      expect(policy.entitlements(person({ department: 'Engineering' }, state))).toEqual([]);
    }
  });

  it('moves a mover: new entitlements in, old ones out, in one evaluation', () => {
    const before = policy.entitlements(person({ department: 'Engineering', title: 'Engineer' }));
    const after = policy.entitlements(person({ department: 'Sales', title: 'Engineer', employeeType: 'contractor' }));
    expect(before.map((e) => e.name)).toContain('eng');
    expect(after.map((e) => e.name)).not.toContain('eng');
    expect(after.map((e) => e.name)).not.toContain('gitea');
    expect(after.map((e) => e.name)).toEqual(expect.arrayContaining(['contractors', 'vpn', 'wiki']));
  });

  it('grants nothing beyond the rules (least privilege), even for people missing attributes', () => {
    const ents = policy.entitlements(person({ department: null, title: null }));
    expect(ents).toEqual([{ kind: 'account', name: 'wiki', values: [], rule: ALL_ACTIVE_RULE }]);
  });

  it('evaluates custom attributes through the attributes map; a missing key grants nothing', () => {
    const p = createRolePolicy(rolesSchema.parse([{ name: 'cc', when: 'attributes["costCenter"] == "42"', groups: ['cc42'] }]), []);
    expect(p.entitlements(person({ costCenter: '42' })).map((e) => e.name)).toEqual(['cc42']);
    expect(p.entitlements(person({}))).toEqual([]);
  });
});

describe('role configuration errors', () => {
  it('reports an include cycle with its path', () => {
    const problems = validateRoles(
      rolesSchema.parse([
        { name: 'a', when: 'true', include: ['b'] },
        { name: 'b', include: ['c'] },
        { name: 'c', include: ['a'] },
      ]),
    );
    expect(problems).toEqual([{ path: 'roles[0].include', message: 'role include cycle: a -> b -> c -> a' }]);
  });

  it('names the role of an invalid or non-boolean expression, an unknown include and an unknown target', () => {
    const problems = validateRoles(
      rolesSchema.parse([
        { name: 'broken', when: 'department ==' },
        { name: 'typo', when: 'departmnt == "x"' },
        { name: 'stringy', when: 'department' },
        { name: 'dangling', include: ['ghost'], targets: { nowhere: { groups: [] } } },
      ]),
      ['gitea'],
    );
    expect(problems.map((p) => p.path)).toEqual([
      'roles[0].when',
      'roles[1].when',
      'roles[2].when',
      'roles[3].include[0]',
      'roles[3].targets.nowhere',
    ]);
    expect(problems[0].message).toMatch(/^role "broken": /);
    expect(problems[1].message).toMatch(/role "typo": Unknown variable: departmnt/);
    expect(problems[2].message).toMatch(/role "stringy": must evaluate to bool/);
  });

  it('refuses to build a policy from invalid roles', () => {
    expect(() => createRolePolicy(rolesSchema.parse([{ name: 'x', when: '1 +' }]), [])).toThrow(RoleConfigError);
  });
});
