// The filter nearly every search carries, `(attr=value)`, read straight from its BER: no ldapjs
// filter objects to build, walk and print. Anything else (or anything odd) returns null and goes
// through @ldapjs/filter and compileFilter as before, so answers and caps stay the same.
import type { DirFilter } from '../contract';
import { canonicalAttr } from '../filter/compile';
import { readTlv } from './ber-read';

// @ldapjs/filter ships no type declarations; its EqualityFilter prints RFC 4515 text with escapes.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { EqualityFilter } = require('@ldapjs/filter') as { EqualityFilter: new (o: { attribute: string; value: string | Buffer }) => { toString(): string } };

const EQUALITY = 0xa3;
const OCTET_STRING = 0x04;
/** printable ASCII without the characters RFC 4515 escapes: logged as is */
const PLAIN = /^[\x20-\x27\x2b-\x5b\x5d-\x7e]*$/;

export interface FastFilter {
  filter: DirFilter;
  /** RFC 4515 text for the operation log, as ldapjs's toString() writes it */
  text: string;
}

export function equalityFromBer(ber: Buffer): FastFilter | null {
  if (ber.length < 2 || ber[0] !== EQUALITY) return null;
  try {
    const outer = readTlv(ber, 0, ber.length);
    if (outer.end !== ber.length) return null;
    const attr = readTlv(ber, outer.start, outer.end);
    if (attr.tag !== OCTET_STRING || attr.end >= outer.end) return null;
    const value = readTlv(ber, attr.end, outer.end);
    if (value.tag !== OCTET_STRING || value.end !== outer.end) return null;
    const name = ber.toString('utf8', attr.start, attr.end);
    if (name.length === 0) return null;
    const raw = ber.subarray(value.start, value.end);
    const decoded = raw.toString('utf8');
    // Same rule as ldapjs: the decoded text when the bytes are valid UTF-8, else the bytes escaped.
    const shown = Buffer.byteLength(decoded, 'utf8') === raw.length ? decoded : raw;
    const plain = PLAIN.test(name) && typeof shown === 'string' && PLAIN.test(shown);
    const text = plain ? `(${name}=${shown})` : new EqualityFilter({ attribute: name, value: shown }).toString();
    return { filter: { type: 'eq', attr: canonicalAttr(name), value: decoded }, text };
  } catch {
    return null;
  }
}
