// DirectorySnapshot.compare: the assertion outcomes the Compare operation maps to result codes,
// and a member assertion on a big group answered from the index, not by rendering the group.
import { buildSnapshot } from '../../src/ldap/view/snapshot';
import type { Group } from '../../src/domain/types';
import { group, person } from '../fixtures/ldap/people';

const BASE = 'dc=example,dc=com';
const PEOPLE = 10000;
const people = Array.from({ length: PEOPLE }, (_, i) => person(`user${i}`, 10000 + i, { groups: ['big'] }));
const groups: Group[] = [group('big', 20000), { ...group('empty', 20001), description: 'nobody here' }];
const snap = buildSnapshot(people, groups, { baseDN: BASE, serviceAccounts: ['app'] });
const bigDn = `cn=big,ou=groups,${BASE}`;

describe('snapshot.compare', () => {
  it('tells every outcome apart', () => {
    expect(snap.compare(bigDn, 'member', `uid=user42,ou=people,${BASE}`)).toBe('true');
    expect(snap.compare(bigDn, 'member', `uid=nobody,ou=people,${BASE}`)).toBe('false');
    expect(snap.compare(`cn=empty,ou=groups,${BASE}`, 'member', `uid=user1,ou=people,${BASE}`)).toBe('noSuchAttribute');
    expect(snap.compare(`uid=user1,ou=people,${BASE}`, 'cn;lang-de', 'User1 Tester')).toBe('noSuchAttribute');
    expect(snap.compare(`uid=user1,ou=people,${BASE}`, 'shoeSize', '42')).toBe('undefinedAttributeType');
    expect(snap.compare('cn=Subschema', 'attributeTypes', '( 2.5.4.3 )')).toBe('inappropriateMatching');
    expect(snap.compare(`uid=user1,ou=people,${BASE}`, 'uidNumber', 'eleven')).toBe('invalidAttributeSyntax');
    expect(snap.compare(`uid=ghost,ou=people,${BASE}`, 'uid', 'ghost')).toBe('noSuchObject');
    expect(snap.compare('not a dn', 'uid', 'x')).toBe('invalidDNSyntax');
    expect(snap.compare(`cn=app,ou=services,${BASE}`, 'cn', 'APP')).toBe('true');
    expect(snap.compare(`uid=user1,ou=people,${BASE}`, '2.5.4.3', 'user1 tester')).toBe('true');
  });

  it(`answers member assertions on a ${PEOPLE}-member group, true or false, without rendering its member list`, () => {
    const rec = (snap as unknown as { state: { recs: { get(id: number): { cache: { member?: string[] } } } ; byDn: { get(dn: string): number } } }).state;
    const bigRec = rec.recs.get(rec.byDn.get(bigDn.toLowerCase()));
    for (let i = 0; i < 1000; i++) {
      expect(snap.compare(bigDn, 'member', `uid=user${i * 7},ou=people,${BASE}`)).toBe('true');
      expect(snap.compare(bigDn, 'member', `uid=outsider${i},ou=people,${BASE}`)).toBe('false');
    }
    // The member list is the expensive part; a compare answered from the index never builds it.
    expect(bigRec.cache.member).toBeUndefined();
  });
});
