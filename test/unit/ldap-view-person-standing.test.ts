// What the console reads of a person from the directory view: every group, through source-group
// nesting and declared nesting, and whether an active person names them as manager.
import { buildSnapshot } from '../../src/ldap/view/snapshot';
import { group, person } from '../fixtures/ldap/people';

const BASE = 'dc=example,dc=com';
const AT = '2026-01-01T00:00:00.000Z';
const withManager = (p: ReturnType<typeof person>, manager: string) => ({ ...p, attributes: { ...p.attributes, manager } });

describe('personStanding', () => {
  const ann = person('ann', 10001, { groups: ['helpdesk-emea'] });
  const bob = withManager(person('bob', 10002, { groups: [] }), 'E10001');
  const cyd = withManager(person('cyd', 10003, { groups: [], state: 'suspended' }), 'E10004');
  const dan = person('dan', 10004, { groups: [] });
  const groups = [
    group('helpdesk-emea', 20001),
    group('helpdesk', 20002),
    { name: 'okta-Ops', gidNumber: 30000, description: null, origin: 'source:okta', createdAt: AT, externalId: 'x', members: ['id-dan'], memberGroups: [] },
  ];
  const snap = buildSnapshot([ann, bob, cyd, dan], groups, { baseDN: BASE, serviceAccounts: [], nestedGroups: new Map([['helpdesk', ['helpdesk-emea']]]) });

  it('lists groups with nesting, case-insensitively by username', () => {
    expect(snap.personStanding!('ANN')).toEqual({
      identityId: 'id-ann',
      username: 'ann',
      displayName: 'Ann Tester',
      state: 'active',
      dn: `uid=ann,ou=people,${BASE}`,
      groups: ['helpdesk', 'helpdesk-emea', 'staff'],
      managesActivePeople: true,
    });
    expect(snap.personStanding!('dan')).toMatchObject({ groups: ['okta-Ops', 'staff'], managesActivePeople: false });
  });

  it('counts only active reports, and knows nobody the view does not serve', () => {
    expect(snap.personStanding!('cyd')).toMatchObject({ state: 'suspended', managesActivePeople: false });
    expect(snap.personStanding!('nobody')).toBeUndefined();
  });
});
