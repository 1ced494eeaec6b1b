import type { LdapEntry } from '../../src/ldap/contract';
import { buildSnapshot, Snapshot } from '../../src/ldap/view/snapshot';
import { person } from '../fixtures/ldap/people';

const BASE = 'dc=example,dc=com';
const opts = { baseDN: BASE, serviceAccounts: ['app'] };
const AT = '2026-01-01T00:00:00.000Z';
const sourceGroup = (name: string, gidNumber: number, members: string[], memberGroups: string[] = []) => ({
  name,
  gidNumber,
  description: null,
  origin: 'source:okta',
  createdAt: AT,
  externalId: `ext-${name}`,
  members,
  memberGroups,
});

function entry(s: Snapshot, dn: string): LdapEntry | undefined {
  const found = s.search({ base: dn, scope: 'base', filter: { type: 'true' } });
  return found ? [...found][0] : undefined;
}
const values = (e: LdapEntry | undefined, attr: string) => [...(e?.attrs.get(attr.toLowerCase())?.values ?? [])].sort();

describe('source groups in the view', () => {
  const ada = person('ada', 10001, { groups: [] });
  const bob = person('bob', 10002, { groups: [] });
  const groups = [
    sourceGroup('okta-Eng', 30000, ['id-ada'], ['okta-SRE']),
    sourceGroup('okta-SRE', 30001, ['id-bob']),
    { ...sourceGroup('deleted:okta:ext-old', 30002, []), deletedAt: AT, formerName: 'okta-Old' },
  ];
  const snap = buildSnapshot([ada, bob], groups, opts) as Snapshot;

  it('takes members from the group row, nests groups and hides tombstones', () => {
    const eng = entry(snap, `cn=okta-Eng,ou=groups,${BASE}`);
    expect(values(eng, 'member')).toEqual([`cn=okta-SRE,ou=groups,${BASE}`, `uid=ada,ou=people,${BASE}`]);
    expect(values(eng, 'businessCategory')).toEqual(['source:okta']);
    expect(values(entry(snap, `uid=bob,ou=people,${BASE}`), 'memberOf')).toContain(`cn=okta-SRE,ou=groups,${BASE}`);
    expect(entry(snap, `cn=deleted:okta:ext-old,ou=groups,${BASE}`)).toBeUndefined();
    expect(values(entry(snap, `cn=staff,ou=groups,${BASE}`), 'businessCategory')).toEqual([]);
  });

  it('keeps the source memberships of a person whose identity changes incrementally', () => {
    const next = snap.withIdentityChanges([{ ...ada, attributes: { ...ada.attributes, title: 'Lead' } }]);
    expect(values(entry(next, `uid=ada,ou=people,${BASE}`), 'memberOf')).toContain(`cn=okta-Eng,ou=groups,${BASE}`);
    expect(values(entry(next, `cn=okta-Eng,ou=groups,${BASE}`), 'memberUid')).toEqual(['ada']);
  });
});

