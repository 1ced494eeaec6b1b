// Matching rules (RFC 4517) as normalisers: two values match by equality when their normal forms are
// equal, and order by comparing the normal forms. A normaliser returns null for a value that is not
// valid for the syntax, which the evaluator turns into Undefined (RFC 4511 4.5.1.7).
import type { AttributeType, EqualityKind } from './attributes';
import { normalizeDN } from './dn';

/** Space-insensitive, case-insensitive string preparation (RFC 4518, simplified: NFKC, fold, squash spaces). */
export function prepCaseIgnore(s: string): string {
  // Printable ASCII words separated by single spaces is already NFKC and squashed (the common case).
  if (PREPARED_ASCII.test(s)) return s.toLowerCase();
  return s.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

export function prepCaseExact(s: string): string {
  if (PREPARED_ASCII.test(s)) return s;
  return s.normalize('NFKC').trim().replace(/\s+/g, ' ');
}

const PREPARED_ASCII = /^[\x21-\x7e]+(?: [\x21-\x7e]+)*$/;

const INTEGER = /^\s*-?\d+\s*$/;

function normInteger(s: string): string | null {
  if (!INTEGER.test(s)) return null;
  return BigInt(s.trim()).toString();
}

const GENERALIZED_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})?(\d{2})?(?:[.,](\d+))?(Z|[+-]\d{2}(?:\d{2})?)$/;

/** Milliseconds since epoch of a generalizedTime value, or null if it is not one. */
export function parseGeneralizedTime(s: string): number | null {
  const m = GENERALIZED_TIME.exec(s.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, sec, frac, zone] = m;
  let ms = Date.UTC(+y, +mo - 1, +d, +h, mi ? +mi : 0, sec ? +sec : 0);
  if (frac) ms += Math.round(Number(`0.${frac}`) * (sec ? 1000 : mi ? 60000 : 3600000));
  if (zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const offset = (+zone.slice(1, 3) * 60 + (zone.length > 3 ? +zone.slice(3, 5) : 0)) * 60000;
    ms -= sign * offset;
  }
  return Number.isNaN(ms) ? null : ms;
}

/** ISO 8601 time -> generalizedTime at second precision (e.g. 20260115090000Z). */
export function toGeneralizedTime(iso: string): string {
  // Fast path for the UTC ISO strings the store writes; anything else goes through Date.
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?Z$/.exec(iso);
  if (m) return `${m[1]}${m[2]}${m[3]}${m[4]}${m[5]}${m[6]}Z`;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '19700101000000Z';
  return d.toISOString().replace(/[-:T]/g, '').replace(/\.\d+/, '');
}

const NORMALISERS: Record<EqualityKind, (v: string) => string | null> = {
  caseIgnore: prepCaseIgnore,
  caseExact: prepCaseExact,
  integer: normInteger,
  dn: normalizeDN,
  time: (v) => {
    const t = parseGeneralizedTime(v);
    return t === null ? null : String(t);
  },
  oid: (v) => v.trim().toLowerCase(),
  boolean: (v) => {
    const u = v.trim().toUpperCase();
    return u === 'TRUE' || u === 'FALSE' ? u : null;
  },
  uuid: (v) => {
    const u = v.trim().toLowerCase();
    return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(u) ? u : null;
  },
  octet: (v) => v,
};

/** Equality normal form of `value` under `type`'s equality rule; null = invalid or no rule. */
export function normalizeValue(type: AttributeType, value: string): string | null {
  return type.kind ? NORMALISERS[type.kind](value) : null;
}

/** Normal form under an explicitly named rule (extensible match); undefined = rule unknown. */
export function normalizeByRule(rule: string, value: string): string | null | undefined {
  const kind = RULE_KINDS.get(rule.toLowerCase());
  return kind ? NORMALISERS[kind](value) : undefined;
}

const RULE_KINDS = new Map<string, EqualityKind>([
  ['caseignorematch', 'caseIgnore'],
  ['2.5.13.2', 'caseIgnore'],
  ['caseignoreia5match', 'caseIgnore'],
  ['1.3.6.1.4.1.1466.109.114.2', 'caseIgnore'],
  ['caseexactmatch', 'caseExact'],
  ['2.5.13.5', 'caseExact'],
  ['caseexactia5match', 'caseExact'],
  ['1.3.6.1.4.1.1466.109.114.1', 'caseExact'],
  ['integermatch', 'integer'],
  ['2.5.13.14', 'integer'],
  ['distinguishednamematch', 'dn'],
  ['2.5.13.1', 'dn'],
  ['generalizedtimematch', 'time'],
  ['2.5.13.27', 'time'],
  ['octetstringmatch', 'octet'],
  ['2.5.13.17', 'octet'],
  ['objectidentifiermatch', 'oid'],
  ['2.5.13.0', 'oid'],
  ['booleanmatch', 'boolean'],
  ['2.5.13.13', 'boolean'],
]);

/** Ordering comparison of two normal forms: integers and times compare numerically. */
export function compareNormalized(type: AttributeType, a: string, b: string): number {
  if (type.kind === 'integer') {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (type.kind === 'time') return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Substring preparation: the substr rule's case handling, or null if the attribute has none. */
export function substringPrep(type: AttributeType): ((s: string) => string) | null {
  if (!type.substr) return null;
  return type.substr.toLowerCase().startsWith('caseexact') ? prepCaseExactSub : prepCaseIgnoreSub;
}

// Substring pieces keep their inner spacing but not the outer trim, so "a *" still anchors correctly.
function prepCaseIgnoreSub(s: string): string {
  return s.normalize('NFKC').replace(/\s+/g, ' ').toLowerCase();
}

function prepCaseExactSub(s: string): string {
  return s.normalize('NFKC').replace(/\s+/g, ' ');
}

/** RFC 4511 substring match over prepared strings: initial, then each `any` in order, then final. */
export function substringMatches(value: string, initial: string | null, any: string[], final: string | null): boolean {
  let pos = 0;
  let end = value.length;
  if (initial) {
    if (!value.startsWith(initial)) return false;
    pos = initial.length;
  }
  if (final) {
    if (value.length - pos < final.length || !value.endsWith(final)) return false;
    end = value.length - final.length;
  }
  for (const piece of any) {
    if (!piece) continue;
    const at = value.indexOf(piece, pos);
    if (at < 0 || at + piece.length > end) return false;
    pos = at + piece.length;
  }
  return true;
}

/**
 * Approximate match (~=). Our choice: two values match approximately when they are equal after
 * folding case and accents and squashing spaces, or when every word sounds alike under Soundex
 * (so "Jon Smyth" ~= "John Smith"). Cheap, predictable, and close to what OpenLDAP's default does.
 */
export function approxMatches(value: string, assertion: string): boolean {
  const a = foldAccents(value);
  const b = foldAccents(assertion);
  if (a === b) return true;
  const wa = a.split(/[\s,.@_-]+/).filter(Boolean).map(soundex);
  const wb = b.split(/[\s,.@_-]+/).filter(Boolean).map(soundex);
  return wa.length > 0 && wa.length === wb.length && wa.every((w, i) => w === wb[i]);
}

/** Lower-cased, accent-free, space-squashed: the folding used by approx match and gecos. */
export function foldAccents(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .trim()
    .replace(/\s+/g, ' ')
    .toLowerCase();
}

const SOUNDEX_CODES: Record<string, string> = {
  b: '1', f: '1', p: '1', v: '1',
  c: '2', g: '2', j: '2', k: '2', q: '2', s: '2', x: '2', z: '2',
  d: '3', t: '3', l: '4', m: '5', n: '5', r: '6',
};

export function soundex(word: string): string {
  const w = word.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (!w) return '';
  if (/^\d/.test(w)) return w;
  let out = w[0].toUpperCase();
  let last = SOUNDEX_CODES[w[0]] ?? '';
  for (let i = 1; i < w.length && out.length < 4; i++) {
    const c = w[i];
    const code = SOUNDEX_CODES[c] ?? '';
    if (code && code !== last) out += code;
    if (c !== 'h' && c !== 'w') last = code;
  }
  return out.padEnd(4, '0');
}
