import { FilterTooComplexError, type DirFilter } from '../../src/ldap/contract';
import { compileFilter, parseFilterString, simplifyFilter } from '../../src/ldap/filter/compile';

// Neither package ships type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ldapFilter = require('@ldapjs/filter');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { BerReader } = require('@ldapjs/asn1');

/** What the server hands us: a filter decoded from BER by ldapjs, not one built from a string. */
function fromWire(s: string): unknown {
  const parsed = ldapFilter.parseString(s);
  return ldapFilter.parseBer(new BerReader(parsed.toBer().buffer));
}

describe('compileFilter', () => {
  it('compiles every filter kind from ldapjs objects, attribute names canonical and lower-cased', () => {
    const f = compileFilter(
      fromWire('(&(UID=jdoe)(|(mail=*)(cn=J*o*n))(!(uidNumber>=100))(uidNumber<=9)(sn~=smyth)(memberOf:1.2.840.113556.1.4.1941:=cn=g,dc=x))'),
    );
    expect(f).toEqual({
      type: 'and',
      filters: [
        { type: 'eq', attr: 'uid', value: 'jdoe' },
        {
          type: 'or',
          filters: [
            { type: 'present', attr: 'mail' },
            { type: 'sub', attr: 'cn', initial: 'J', any: ['o'], final: 'n' },
          ],
        },
        { type: 'not', filter: { type: 'ge', attr: 'uidnumber', value: '100' } },
        { type: 'le', attr: 'uidnumber', value: '9' },
        { type: 'approx', attr: 'sn', value: 'smyth' },
        { type: 'ext', attr: 'memberof', rule: '1.2.840.113556.1.4.1941', value: 'cn=g,dc=x', dnAttributes: false },
      ],
    });
  });

  it('maps aliases and OIDs to the schema name (commonName, 0.9.2342.19200300.100.1.1)', () => {
    expect(compileFilter(fromWire('(commonName=x)'))).toEqual({ type: 'eq', attr: 'cn', value: 'x' });
    // ldapjs's string parser rejects OIDs as attribute names; clients may still send them.
    const byOid = new ldapFilter.EqualityFilter({ attribute: '0.9.2342.19200300.100.1.1', value: 'x' });
    expect(compileFilter(byOid)).toEqual({ type: 'eq', attr: 'uid', value: 'x' });
    expect(compileFilter(fromWire('(fooBar=x)'))).toEqual({ type: 'eq', attr: 'foobar', value: 'x' });
  });

  it('keeps dnAttributes and an absent attribute on extensible filters', () => {
    expect(compileFilter(fromWire('(:dn:2.5.13.5:=People)'))).toEqual({
      type: 'ext',
      attr: null,
      rule: '2.5.13.5',
      value: 'People',
      dnAttributes: true,
    });
  });

  it('refuses a filter nested 20,000 deep with FilterTooComplexError, without overflowing the stack', () => {
    let f: unknown = new ldapFilter.EqualityFilter({ attribute: 'uid', value: 'x' });
    for (let i = 0; i < 20000; i++) f = new ldapFilter.NotFilter({ filter: f });
    expect(() => compileFilter(f)).toThrow(FilterTooComplexError);
    expect(() => compileFilter(f)).toThrow(/nested deeper than 40/);
  });

  it('accepts depth 40 and refuses 41 by default; both caps are configurable', () => {
    const nest = (depth: number): unknown => {
      let f: unknown = new ldapFilter.PresenceFilter({ attribute: 'cn' });
      for (let i = 1; i < depth; i++) f = new ldapFilter.AndFilter({ filters: [f] });
      return f;
    };
    expect(() => compileFilter(nest(40))).not.toThrow();
    expect(() => compileFilter(nest(41))).toThrow(FilterTooComplexError);
    expect(() => compileFilter(nest(10), { maxDepth: 5 })).toThrow(FilterTooComplexError);
  });

  it('refuses more than maxNodes items (a wide OR)', () => {
    const wide = new ldapFilter.OrFilter({
      filters: Array.from({ length: 2500 }, (_, i) => new ldapFilter.EqualityFilter({ attribute: 'uid', value: `u${i}` })),
    });
    expect(() => compileFilter(wide)).toThrow(/more than 2000 items/);
    expect(() => compileFilter(wide, { maxNodes: 3000 })).not.toThrow();
  });

  it('names what is wrong for input that is not a filter', () => {
    expect(() => compileFilter(null)).toThrow(/not an LDAP filter: null/);
    expect(() => compileFilter({ type: 'WeirdFilter' })).toThrow(/unsupported filter type "WeirdFilter"/);
  });
});

describe('parseFilterString', () => {
  it('decodes RFC 4515 escapes, including multi-byte UTF-8', () => {
    expect(parseFilterString('(cn=a\\2ab\\28c\\29)')).toEqual({ type: 'eq', attr: 'cn', value: 'a*b(c)' });
    expect(parseFilterString('(cn=Chlo\\c3\\a9*)')).toEqual({ type: 'sub', attr: 'cn', initial: 'Chloé', any: [], final: null });
  });

  it('reports a syntax error with the filter text', () => {
    expect(() => parseFilterString('(cn=x')).toThrow(/invalid LDAP filter "\(cn=x"/);
  });
});

describe('simplifyFilter', () => {
  const eq = (v: string): DirFilter => ({ type: 'eq', attr: 'uid', value: v });

  it('flattens nested and/or and unwraps single children', () => {
    expect(
      simplifyFilter({ type: 'and', filters: [eq('a'), { type: 'and', filters: [eq('b'), { type: 'and', filters: [eq('c')] }] }] }),
    ).toEqual({ type: 'and', filters: [eq('a'), eq('b'), eq('c')] });
    expect(simplifyFilter({ type: 'or', filters: [{ type: 'or', filters: [eq('a')] }] })).toEqual(eq('a'));
  });

  it('drops neutral constants and folds absorbing ones', () => {
    expect(simplifyFilter({ type: 'and', filters: [{ type: 'true' }, eq('a')] })).toEqual(eq('a'));
    expect(simplifyFilter({ type: 'and', filters: [eq('a'), { type: 'false' }] })).toEqual({ type: 'false' });
    expect(simplifyFilter({ type: 'or', filters: [eq('a'), { type: 'true' }] })).toEqual({ type: 'true' });
    expect(simplifyFilter({ type: 'or', filters: [] })).toEqual({ type: 'false' });
    expect(simplifyFilter({ type: 'and', filters: [] })).toEqual({ type: 'true' });
  });

  it('removes double negation and negated constants', () => {
    expect(simplifyFilter({ type: 'not', filter: { type: 'not', filter: eq('a') } })).toEqual(eq('a'));
    expect(simplifyFilter({ type: 'not', filter: { type: 'true' } })).toEqual({ type: 'false' });
  });
});
