// LDAP filter (an @ldapjs/filter object, as ldapjs hands it to a search handler) -> DirFilter.
// The walk is iterative with an explicit stack, so a hostile filter nested 20,000 deep costs a
// FilterTooComplexError, never a stack overflow; depth and size are capped while walking.
import { FilterTooComplexError, type DirFilter } from '../contract';
import { attributeType } from '../schema/attributes';

// @ldapjs/filter ships no type declarations; we only need its string parser.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parseString } = require('@ldapjs/filter') as { parseString: (s: string) => unknown };

export interface FilterLimits {
  /** deepest nesting of and/or/not allowed (389-ds allows 40) */
  maxDepth?: number;
  /** most filter items in total */
  maxNodes?: number;
}

export const DEFAULT_FILTER_LIMITS = { maxDepth: 40, maxNodes: 2000 } as const;

/** The parts of an ldapjs filter object we read; duck-typed so tests can pass plain objects too. */
interface LdapjsFilter {
  type: string;
  attribute?: string;
  value?: unknown;
  clauses?: LdapjsFilter[];
  filter?: LdapjsFilter;
  initial?: string;
  any?: string[];
  final?: string;
  matchingRule?: string;
  dnAttributes?: boolean;
}

interface Frame {
  src: unknown;
  depth: number;
  place: (f: DirFilter) => void;
}

export function compileFilter(filter: unknown, limits: FilterLimits = {}): DirFilter {
  const maxDepth = limits.maxDepth ?? DEFAULT_FILTER_LIMITS.maxDepth;
  const maxNodes = limits.maxNodes ?? DEFAULT_FILTER_LIMITS.maxNodes;
  let root: DirFilter = { type: 'false' };
  const stack: Frame[] = [{ src: filter, depth: 1, place: (f) => (root = f) }];
  let nodes = 0;
  while (stack.length > 0) {
    const frame = stack.pop()!;
    if (++nodes > maxNodes) throw new FilterTooComplexError(`filter has more than ${maxNodes} items`);
    if (frame.depth > maxDepth) throw new FilterTooComplexError(`filter is nested deeper than ${maxDepth} levels`);
    const src = asFilter(frame.src);
    const composite = compositeOf(src, frame, stack);
    frame.place(composite ?? leafOf(src));
  }
  return root;
}

function asFilter(src: unknown): LdapjsFilter {
  if (!src || typeof src !== 'object' || typeof (src as { type?: unknown }).type !== 'string') {
    throw new Error(`not an LDAP filter: ${describe(src)}`);
  }
  return src as LdapjsFilter;
}

/** and/or/not: creates the node and pushes its children; null for leaf filters. */
function compositeOf(src: LdapjsFilter, frame: Frame, stack: Frame[]): DirFilter | null {
  const depth = frame.depth + 1;
  switch (src.type) {
    case 'AndFilter':
    case 'OrFilter': {
      const clauses = src.clauses ?? [];
      const node = { type: src.type === 'AndFilter' ? 'and' : 'or', filters: new Array<DirFilter>(clauses.length) } as const;
      // Children are pushed in reverse so they are compiled (and counted) in document order.
      for (let i = clauses.length - 1; i >= 0; i--) {
        stack.push({ src: clauses[i], depth, place: (f) => (node.filters[i] = f) });
      }
      return node as DirFilter;
    }
    case 'NotFilter': {
      const node: { type: 'not'; filter: DirFilter } = { type: 'not', filter: { type: 'false' } };
      const inner = src.filter ?? src.clauses?.[0];
      if (!inner) throw new Error('NOT filter without an inner filter');
      stack.push({ src: inner, depth, place: (f) => (node.filter = f) });
      return node;
    }
    default:
      return null;
  }
}

function leafOf(src: LdapjsFilter): DirFilter {
  switch (src.type) {
    case 'EqualityFilter':
      return { type: 'eq', attr: attrName(src), value: valueOf(src.value) };
    case 'PresenceFilter':
      return { type: 'present', attr: attrName(src) };
    case 'GreaterThanEqualsFilter':
      return { type: 'ge', attr: attrName(src), value: valueOf(src.value) };
    case 'LessThanEqualsFilter':
      return { type: 'le', attr: attrName(src), value: valueOf(src.value) };
    case 'ApproximateFilter':
      return { type: 'approx', attr: attrName(src), value: valueOf(src.value) };
    case 'SubstringFilter':
      return {
        type: 'sub',
        attr: attrName(src),
        initial: src.initial ? String(src.initial) : null,
        any: (src.any ?? []).map(String).filter((s) => s.length > 0),
        final: src.final ? String(src.final) : null,
      };
    case 'ExtensibleFilter':
      return {
        type: 'ext',
        attr: src.attribute ? canonicalAttr(src.attribute) : null,
        rule: src.matchingRule ? String(src.matchingRule) : null,
        value: valueOf(src.value),
        dnAttributes: src.dnAttributes === true,
      };
    default:
      throw new Error(`unsupported filter type "${src.type}"`);
  }
}

/** Known attributes compile to their schema name in lower case, unknown ones to the lower-cased name. */
export function canonicalAttr(name: string): string {
  return (attributeType(name)?.name ?? name).toLowerCase();
}

function attrName(src: LdapjsFilter): string {
  if (typeof src.attribute !== 'string' || src.attribute.length === 0) {
    throw new Error(`${src.type} without an attribute name`);
  }
  return canonicalAttr(src.attribute);
}

function valueOf(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  if (v === undefined || v === null) return '';
  return String(v);
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  return typeof v === 'object' ? `object without a filter type` : `${typeof v} ${JSON.stringify(v)}`;
}

/**
 * Flattens nested and/or, drops neutral true/false items, folds constant branches and double
 * negation. Sound under RFC 4511 three-valued logic (NOT NOT x = x holds for Undefined too).
 */
export function simplifyFilter(f: DirFilter): DirFilter {
  switch (f.type) {
    case 'and':
    case 'or':
      return simplifyJunction(f.type, f.filters);
    case 'not': {
      const inner = simplifyFilter(f.filter);
      if (inner.type === 'true') return { type: 'false' };
      if (inner.type === 'false') return { type: 'true' };
      if (inner.type === 'not') return inner.filter;
      return { type: 'not', filter: inner };
    }
    default:
      return f;
  }
}

function simplifyJunction(type: 'and' | 'or', children: DirFilter[]): DirFilter {
  const neutral = type === 'and' ? 'true' : 'false';
  const absorbing = type === 'and' ? 'false' : 'true';
  const out: DirFilter[] = [];
  const pending = children.map(simplifyFilter);
  while (pending.length > 0) {
    const c = pending.shift()!;
    if (c.type === absorbing) return { type: absorbing };
    if (c.type === neutral) continue;
    if (c.type === type) pending.unshift(...c.filters);
    else out.push(c);
  }
  if (out.length === 0) return { type: neutral };
  if (out.length === 1) return out[0];
  return { type, filters: out };
}

/**
 * RFC 4515 string -> DirFilter, through ldapjs's parser. ldapjs leaves `\xx` escapes in the values
 * it parses from strings, so they are decoded here (values from the wire arrive decoded already).
 */
export function parseFilterString(s: string, limits?: FilterLimits): DirFilter {
  let parsed: unknown;
  try {
    parsed = parseString(s);
  } catch (err) {
    throw new Error(`invalid LDAP filter ${JSON.stringify(s)}: ${(err as Error).message}`);
  }
  return decodeValues(compileFilter(parsed, limits));
}

function decodeValues(f: DirFilter): DirFilter {
  switch (f.type) {
    case 'and':
    case 'or':
      return { type: f.type, filters: f.filters.map(decodeValues) };
    case 'not':
      return { type: 'not', filter: decodeValues(f.filter) };
    case 'eq':
    case 'ge':
    case 'le':
    case 'approx':
    case 'ext':
      return { ...f, value: decodeEscapes(f.value) };
    case 'sub':
      return {
        ...f,
        initial: f.initial === null ? null : decodeEscapes(f.initial),
        any: f.any.map(decodeEscapes),
        final: f.final === null ? null : decodeEscapes(f.final),
      };
    default:
      return f;
  }
}

/** `\2a` -> `*`; escapes are bytes, so multi-byte UTF-8 (`\c3\a9`) decodes to one character. */
export function decodeEscapes(s: string): string {
  if (!s.includes('\\')) return s;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const hex = s.slice(i + 1, i + 3);
    if (s[i] === '\\' && /^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(s[i]));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
