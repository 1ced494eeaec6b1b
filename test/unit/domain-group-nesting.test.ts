// Group nesting from the `groups:` section: the parent -> children map the LDAP view serves, and
// every configuration mistake reported with its path (a cycle names each group on it).
import { groupDeclarationsSchema } from '../../src/config/sections/targets';
import { compileGroupNesting, GroupConfigError, validateGroupNesting } from '../../src/domain/roles';
import { buildSnapshot } from '../../src/ldap/view/snapshot';
import { parseFilterString } from '../../src/ldap/filter';
import type { Group, Identity } from '../../src/domain/types';
import { idsync, workspace } from '../helpers/cli';

const decl = (groups: unknown[]) => groupDeclarationsSchema.parse(groups);

describe('group nesting', () => {
  it('maps each declared group to the groups it includes, two levels deep', () => {
    const nesting = compileGroupNesting(decl([
      { name: 'All-Staff', include: ['eng', 'sales', 'ENG'] },
      { name: 'eng', include: ['eng-leads'] },
    ]));
    expect(nesting.get('all-staff')).toEqual(['eng', 'sales']);
    expect(nesting.get('eng')).toEqual(['eng-leads']);
    expect(nesting.get('sales')).toBeUndefined();
  });

  it('reports a cycle as a config error naming every group on it', () => {
    const groups = decl([
      { name: 'all-staff', include: ['eng'] },
      { name: 'eng', include: ['platform'] },
      { name: 'platform', include: ['all-staff'] },
      { name: 'sales' },
    ]);
    expect(validateGroupNesting(groups)).toEqual([
      { path: 'groups[0].include', message: 'group nesting cycle: all-staff -> eng -> platform -> all-staff' },
    ]);
    expect(() => compileGroupNesting(groups)).toThrow(GroupConfigError);
    expect(() => compileGroupNesting(groups)).toThrow(/invalid groups configuration: groups\[0\]\.include: group nesting cycle: all-staff -> eng -> platform -> all-staff/);
  });

  it('reports a group that includes itself and a group declared twice', () => {
    expect(validateGroupNesting(decl([
      { name: 'eng', include: ['Eng'] },
      { name: 'ENG', include: [] },
    ]))).toEqual([
      { path: 'groups[0].include[0]', message: 'group "eng" includes itself' },
      { path: 'groups[1].name', message: 'group "ENG" is declared twice (first at groups[0])' },
    ]);
  });

  it('`idsync config check` reports the cycle with its path and exits 1', async () => {
    const ws = workspace('groups:\n  - { name: a, include: [b] }\n  - { name: b, include: [a] }\n');
    const r = await idsync('config', 'check', '--config', ws.config);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('groups[0].include');
    expect(r.stderr).toContain('group nesting cycle: a -> b -> a');
  });

  it('refuses unknown keys in a declaration', () => {
    expect(() => decl([{ name: 'eng', members: ['x'] }])).toThrow(/members/);
  });
});

describe('the LDAP view serves configured nesting', () => {
  const AT = '2026-01-01T00:00:00Z';
  const g = (name: string, gidNumber: number): Group => ({ name, gidNumber, description: null, origin: 'test', createdAt: AT });
  const dave: Identity = {
    id: 'id-dave', revision: 1, username: 'dave', uidNumber: 10001, employeeId: 'E1', state: 'active', stateChangedAt: AT,
    attributes: { givenName: 'Dave', sn: 'Lead' }, provenance: {}, links: [],
    entitlements: [{ kind: 'group', name: 'eng-leads', rule: 'role:eng-leads' }], createdAt: AT, updatedAt: AT,
  };
  const nestedGroups = compileGroupNesting(decl([
    { name: 'all-staff', include: ['eng', 'sales'] },
    { name: 'eng', include: ['eng-leads'] },
  ]));
  const snap = buildSnapshot([dave], [g('all-staff', 20000), g('eng', 20001), g('eng-leads', 20002), g('sales', 20003)], { baseDN: 'dc=example,dc=com', serviceAccounts: [], nestedGroups });
  const base = 'dc=example,dc=com';
  const dns = (filter: string): string[] => [...snap.search({ base, scope: 'sub', filter: parseFilterString(filter) })!].map((e) => e.dn);

  it('lists nested groups as members and the parent as memberOf', () => {
    expect(snap.entry(`cn=all-staff,ou=groups,${base}`)!.attrs.get('member')!.values).toEqual([`cn=eng,ou=groups,${base}`, `cn=sales,ou=groups,${base}`]);
    expect(snap.entry(`cn=eng-leads,ou=groups,${base}`)!.attrs.get('memberof')!.values).toEqual([`cn=eng,ou=groups,${base}`]);
    // nesting never makes anyone a direct member of a parent (staff is every person's primary group)
    expect(snap.entry(`uid=dave,ou=people,${base}`)!.attrs.get('memberof')!.values).toEqual([`cn=staff,ou=groups,${base}`, `cn=eng-leads,ou=groups,${base}`]);
  });

  it('resolves LDAP_MATCHING_RULE_IN_CHAIN through two levels in both directions', () => {
    expect(dns(`(memberOf:1.2.840.113556.1.4.1941:=cn=all-staff,ou=groups,${base})`)).toEqual([`uid=dave,ou=people,${base}`, `cn=eng,ou=groups,${base}`, `cn=eng-leads,ou=groups,${base}`, `cn=sales,ou=groups,${base}`]);
    expect(dns(`(&(objectClass=posixAccount)(memberOf:1.2.840.113556.1.4.1941:=cn=all-staff,ou=groups,${base}))`)).toEqual([`uid=dave,ou=people,${base}`]);
    expect(dns(`(member:1.2.840.113556.1.4.1941:=uid=dave,ou=people,${base})`)).toEqual([`cn=staff,ou=groups,${base}`, `cn=all-staff,ou=groups,${base}`, `cn=eng,ou=groups,${base}`, `cn=eng-leads,ou=groups,${base}`]);
    expect(snap.compare(`cn=all-staff,ou=groups,${base}`, 'member', `cn=eng,ou=groups,${base}`)).toBe('true');
  });
});
