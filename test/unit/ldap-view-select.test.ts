import type { LdapEntry } from '../../src/ldap/contract';
import { selectAttributes } from '../../src/ldap/view/select';
import { makeEntry } from '../../src/ldap/view/statics';

const entry: LdapEntry = makeEntry('uid=alice,ou=people,dc=example,dc=com', {
  objectClass: ['top', 'person'],
  uid: ['alice'],
  cn: ['Alice'],
  memberOf: ['cn=staff,ou=groups,dc=example,dc=com'],
  entryUUID: ['00000000-0000-4000-8000-000000000001'],
  modifyTimestamp: ['20260115090000Z'],
});
const names = (requested: string[], typesOnly = false) => selectAttributes(entry, requested, typesOnly).map((a) => a.name);

describe('selectAttributes', () => {
  it('returns all user attributes for an empty list or *, no operational ones', () => {
    expect(names([])).toEqual(['objectClass', 'uid', 'cn', 'memberOf']);
    expect(names(['*'])).toEqual(['objectClass', 'uid', 'cn', 'memberOf']);
  });

  it('returns operational attributes with + or by name', () => {
    expect(names(['+'])).toEqual(['entryUUID', 'modifyTimestamp']);
    expect(names(['*', '+'])).toEqual(['objectClass', 'uid', 'cn', 'memberOf', 'entryUUID', 'modifyTimestamp']);
    expect(names(['entryuuid'])).toEqual(['entryUUID']);
  });

  it('matches requested names case-insensitively, by alias or OID, and answers in schema spelling', () => {
    expect(names(['MEMBEROF', 'commonName'])).toEqual(['cn', 'memberOf']);
    expect(names(['0.9.2342.19200300.100.1.1'])).toEqual(['uid']);
    expect(names(['noSuchAttribute'])).toEqual([]);
  });

  it('returns nothing for 1.1 alone, and ignores 1.1 beside other names', () => {
    expect(names(['1.1'])).toEqual([]);
    expect(names(['1.1', 'uid'])).toEqual(['uid']);
  });

  it('gives names with empty values when typesOnly is set', () => {
    expect(selectAttributes(entry, ['uid', 'cn'], true)).toEqual([
      { name: 'uid', values: [] },
      { name: 'cn', values: [] },
    ]);
  });
});
