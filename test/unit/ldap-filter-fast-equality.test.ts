// The server's shortcut for `(attr=value)` must read exactly what @ldapjs/filter + compileFilter read.
import { compileFilter } from '../../src/ldap/filter/compile';
import { equalityFromBer } from '../../src/ldap/server/filter-fast';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parseBer, parseString, EqualityFilter } = require('@ldapjs/filter');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { BerReader } = require('@ldapjs/asn1');

const berOf = (f: { toBer(): { buffer: Buffer } }): Buffer => f.toBer().buffer;

function viaLdapjs(ber: Buffer): { filter: unknown; text: string } {
  const f = parseBer(new BerReader(ber));
  return { filter: compileFilter(f), text: f.toString() };
}

describe('equalityFromBer', () => {
  const cases: [string, string | Buffer][] = [
    ['uid', 'user0042'],
    ['UID', 'MiXeD Case'],
    ['userid', 'alias'],
    ['cn', 'José Müller-Łukasz'],
    ['cn', 'with (parens) * star \\ backslash'],
    ['uidNumber', '10042'],
    ['cn;lang-en', 'option'],
    ['unknownAttr', 'x'],
    ['cn', Buffer.from([0xff, 0xfe, 0x41])],
    ['cn', 'ctrl\u0001char'],
  ];
  it.each(cases)('reads (%s=%s) like ldapjs + compileFilter', (attribute, value) => {
    const ber = berOf(new EqualityFilter({ attribute, value }));
    const fast = equalityFromBer(ber);
    expect(fast).not.toBeNull();
    expect(fast).toEqual(viaLdapjs(ber));
  });

  it('reads an empty assertion value like ldapjs (its constructor refuses one, the wire allows it)', () => {
    const ber = Buffer.from([0xa3, 0x08, 0x04, 0x04, ...Buffer.from('mail'), 0x04, 0x00]);
    expect(equalityFromBer(ber)).toEqual(viaLdapjs(ber));
    expect(equalityFromBer(ber)?.filter).toEqual({ type: 'eq', attr: 'mail', value: '' });
  });

  it('leaves every other filter, and malformed BER, to the general path', () => {
    for (const s of ['(uid=*)', '(uid=a*)', '(&(uid=a)(cn=b))', '(!(uid=a))', '(uidNumber>=5)', '(cn~=x)', '(uid:caseExactMatch:=a)']) {
      expect(equalityFromBer(berOf(parseString(s)))).toBeNull();
    }
    const good = berOf(new EqualityFilter({ attribute: 'uid', value: 'a' }));
    expect(equalityFromBer(Buffer.concat([good, Buffer.from([0x04, 0x00])]))).toBeNull(); // trailing bytes
    expect(equalityFromBer(good.subarray(0, good.length - 1))).toBeNull(); // truncated
    expect(equalityFromBer(Buffer.from([0xa3, 0x02, 0x04, 0x00]))).toBeNull(); // no value
    expect(equalityFromBer(Buffer.from([0xa3, 0x04, 0x04, 0x00, 0x04, 0x00]))).toBeNull(); // empty attribute name
    expect(equalityFromBer(Buffer.alloc(0))).toBeNull();
  });
});
