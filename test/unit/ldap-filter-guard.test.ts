// The BER-level filter caps count exactly what compileFilter counts, before any decoding.
import { FilterTooComplexError } from '../../src/ldap/contract';
import { parseFilterString } from '../../src/ldap/filter/compile';
import { octets, tlv } from '../../src/ldap/server/ber-write';
import { checkFilterCaps } from '../../src/ldap/server/filter-guard';

const eq = (a: string, v: string) => tlv(0xa3, [octets(a), octets(v)]);
const present = (a: string) => octets(a, 0x87);
const and = (...f: Buffer[]) => tlv(0xa0, f);
const or = (...f: Buffer[]) => tlv(0xa1, f);
const not = (f: Buffer) => tlv(0xa2, [f]);
const caps = (maxNodes: number, maxBytes = 1 << 20) => ({ maxNodes, maxBytes });

describe('checkFilterCaps', () => {
  // (&(objectClass=*)(|(uid=a)(!(uid=b)))(cn=c)): and, present, or, eq, not, eq, eq = 7 items
  const seven = and(present('objectClass'), or(eq('uid', 'a'), not(eq('uid', 'b'))), eq('cn', 'c'));

  it('counts every and/or/not and every assertion, nested or not', () => {
    expect(() => checkFilterCaps(seven, caps(7))).not.toThrow();
    expect(() => checkFilterCaps(seven, caps(6))).toThrow(new FilterTooComplexError('filter has more than 6 items (ldap.limits.filterMaxNodes)'));
  });

  it('agrees with compileFilter, which applies the same cap after decoding', () => {
    const text = '(&(objectClass=*)(|(uid=a)(!(uid=b)))(cn=c))';
    expect(() => parseFilterString(text, { maxNodes: 7 })).not.toThrow();
    expect(() => parseFilterString(text, { maxNodes: 6 })).toThrow(FilterTooComplexError);
  });

  it('counts a single assertion as one item', () => {
    expect(() => checkFilterCaps(eq('uid', 'x'), caps(1))).not.toThrow();
  });

  it('refuses a filter above the byte cap, naming its size and the cap', () => {
    const big = eq('cn', 'x'.repeat(100));
    expect(() => checkFilterCaps(big, caps(10, 50))).toThrow(`filter of ${big.length} bytes exceeds ldap.limits.filterMaxBytes (50)`);
  });

  it('stops counting at the cap instead of walking a huge OR to its end', () => {
    const wide = or(...Array.from({ length: 50_000 }, (_, i) => eq('cn', `n${i}`)));
    const started = performance.now();
    expect(() => checkFilterCaps(wide, caps(1000, 1 << 30))).toThrow(FilterTooComplexError);
    expect(performance.now() - started).toBeLessThan(200);
  });
});
