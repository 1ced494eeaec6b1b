// DirFilter evaluation with RFC 4511 three-valued logic (TRUE, FALSE, Undefined) and the schema's
// matching rules. A filter is turned into a matcher once per search: assertion values are
// normalised once, then the matcher runs per candidate entry.
import type { DirFilter } from '../contract';
import { attributeType, type AttributeType } from '../schema/attributes';
import { dnAttributeValues, normalizeDN } from '../schema/dn';
import {
  approxMatches,
  compareNormalized,
  normalizeByRule,
  normalizeValue,
  substringMatches,
  substringPrep,
} from '../schema/matching';
import { canonicalAttr } from './compile';

export const FALSE = 0;
export const TRUE = 1;
export const UNDEFINED = 2;
export type Tri = typeof FALSE | typeof TRUE | typeof UNDEFINED;

export const BIT_AND = '1.2.840.113556.1.4.803';
export const BIT_OR = '1.2.840.113556.1.4.804';
export const IN_CHAIN = '1.2.840.113556.1.4.1941';

/** How the evaluator reads an entry; the view implements it over its records. */
export interface EvalContext<R> {
  /** raw values of an attribute (canonical lower-cased name) */
  values(rec: R, attr: string): readonly string[] | undefined;
  dn(rec: R): string;
  /** user attribute names of the entry (for extensible match without an attribute) */
  attributeNames(rec: R): readonly string[];
  /** normalised values of DN-valued attributes, so large member lists are not re-normalised */
  dnValues?(rec: R, attr: string): readonly string[] | undefined;
  /** equality through an index for huge multi-valued attributes; undefined = no shortcut */
  eqShortcut?(rec: R, attr: string, normalized: string): boolean | undefined;
  /** whether the entry holds `attr` at all, without reading its values; undefined = read them */
  present?(rec: R, attr: string): boolean | undefined;
  /** IN_CHAIN over `attr` towards the entry `targetNdn`; undefined = not supported for attr */
  inChain?(rec: R, attr: string, targetNdn: string): boolean | undefined;
}

export type Matcher<R> = (rec: R) => Tri;

const always = (t: Tri) => (): Tri => t;

/** Builds the matcher of `f`. Only TRUE selects an entry (RFC 4511 4.5.1). */
export function matcherOf<R>(f: DirFilter, ctx: EvalContext<R>): Matcher<R> {
  switch (f.type) {
    case 'true': return always(TRUE);
    case 'false': return always(FALSE);
    case 'and': {
      const parts = f.filters.map((c) => matcherOf(c, ctx));
      return (rec) => {
        let result: Tri = TRUE;
        for (const m of parts) {
          const r = m(rec);
          if (r === FALSE) return FALSE;
          if (r === UNDEFINED) result = UNDEFINED;
        }
        return result;
      };
    }
    case 'or': {
      const parts = f.filters.map((c) => matcherOf(c, ctx));
      return (rec) => {
        let result: Tri = FALSE;
        for (const m of parts) {
          const r = m(rec);
          if (r === TRUE) return TRUE;
          if (r === UNDEFINED) result = UNDEFINED;
        }
        return result;
      };
    }
    case 'not': {
      const inner = matcherOf(f.filter, ctx);
      return (rec) => {
        const r = inner(rec);
        return r === UNDEFINED ? UNDEFINED : r === TRUE ? FALSE : TRUE;
      };
    }
    case 'present': {
      // An attribute the schema does not know is Undefined here too, as in OpenLDAP, so that
      // (!(unknown=*)) matches nothing instead of everything.
      if (!attributeType(f.attr)) return always(UNDEFINED);
      const attr = canonicalAttr(f.attr);
      return (rec) => ((ctx.values(rec, attr)?.length ?? 0) > 0 ? TRUE : FALSE);
    }
    case 'eq': return equalityMatcher(f.attr, f.value, ctx);
    case 'ge':
    case 'le': return orderingMatcher(f.attr, f.value, f.type, ctx);
    case 'sub': return substringMatcher(f, ctx);
    case 'approx': return approxMatcher(f.attr, f.value, ctx);
    case 'ext': return extensibleMatcher(f, ctx);
  }
}

function anyValue<R>(ctx: EvalContext<R>, rec: R, attr: string, test: (v: string) => boolean): Tri {
  const values = ctx.values(rec, attr);
  if (!values) return FALSE;
  for (const v of values) if (test(v)) return TRUE;
  return FALSE;
}

function equalityMatcher<R>(name: string, value: string, ctx: EvalContext<R>): Matcher<R> {
  const type = attributeType(name);
  if (!type || !type.kind) return always(UNDEFINED);
  const assertion = normalizeValue(type, value);
  if (assertion === null) return always(UNDEFINED);
  const attr = type.name.toLowerCase();
  if (type.kind === 'dn') return dnEqualityMatcher(attr, assertion, ctx);
  const test = (v: string): boolean => normalizeValue(type, v) === assertion;
  // Entries of a kind share one (immutable) values array for some attributes, objectClass above
  // all: a listing by objectClass then normalises one list, not one per entry.
  let lastValues: readonly string[] | undefined;
  let lastResult: Tri = FALSE;
  return (rec) => {
    const shortcut = ctx.eqShortcut?.(rec, attr, assertion);
    if (shortcut !== undefined) return shortcut ? TRUE : FALSE;
    const values = ctx.values(rec, attr);
    if (!values) return FALSE;
    if (values !== lastValues) {
      lastResult = values.some(test) ? TRUE : FALSE;
      lastValues = values;
    }
    return lastResult;
  };
}

function dnEqualityMatcher<R>(attr: string, assertion: string, ctx: EvalContext<R>): Matcher<R> {
  return (rec) => {
    const shortcut = ctx.eqShortcut?.(rec, attr, assertion);
    if (shortcut !== undefined) return shortcut ? TRUE : FALSE;
    const normalized = ctx.dnValues?.(rec, attr);
    if (normalized) return normalized.includes(assertion) ? TRUE : FALSE;
    return anyValue(ctx, rec, attr, (v) => normalizeDN(v) === assertion);
  };
}

function orderingMatcher<R>(name: string, value: string, op: 'ge' | 'le', ctx: EvalContext<R>): Matcher<R> {
  const type = attributeType(name);
  if (!type || !type.ordering) return always(UNDEFINED);
  const assertion = normalizeValue(type, value);
  if (assertion === null) return always(UNDEFINED);
  const attr = type.name.toLowerCase();
  return (rec) =>
    anyValue(ctx, rec, attr, (v) => {
      const n = normalizeValue(type, v);
      if (n === null) return false;
      const c = compareNormalized(type, n, assertion);
      return op === 'ge' ? c >= 0 : c <= 0;
    });
}

function substringMatcher<R>(f: Extract<DirFilter, { type: 'sub' }>, ctx: EvalContext<R>): Matcher<R> {
  const type = attributeType(f.attr);
  const prep = type ? substringPrep(type) : null;
  if (!type || !prep) return always(UNDEFINED);
  const attr = type.name.toLowerCase();
  const initial = f.initial ? prep(f.initial) : null;
  const final = f.final ? prep(f.final) : null;
  const any = f.any.map(prep);
  return (rec) => anyValue(ctx, rec, attr, (v) => substringMatches(prep(v.trim()), initial, any, final));
}

function approxMatcher<R>(name: string, value: string, ctx: EvalContext<R>): Matcher<R> {
  const type = attributeType(name);
  if (!type || !type.kind) return always(UNDEFINED);
  // Approximate matching only makes sense for strings; other syntaxes fall back to equality.
  if (type.kind !== 'caseIgnore' && type.kind !== 'caseExact') return equalityMatcher(name, value, ctx);
  const attr = type.name.toLowerCase();
  return (rec) => anyValue(ctx, rec, attr, (v) => approxMatches(v, value));
}

function extensibleMatcher<R>(f: Extract<DirFilter, { type: 'ext' }>, ctx: EvalContext<R>): Matcher<R> {
  const rule = f.rule?.toLowerCase() ?? null;
  if (rule === BIT_AND || rule === BIT_OR) return bitMatcher(f.attr, f.value, rule === BIT_AND, ctx);
  if (rule === IN_CHAIN) return inChainMatcher(f.attr, f.value, ctx);
  const type = f.attr ? attributeType(f.attr) : undefined;
  if (f.attr && !type) return always(UNDEFINED);
  const normalize = ruleNormalizer(rule, type);
  if (!normalize) return always(UNDEFINED);
  const assertion = normalize(f.value);
  if (assertion === null) return always(UNDEFINED);
  const attrs = (rec: R): readonly string[] => (type ? [type.name.toLowerCase()] : ctx.attributeNames(rec));
  const matchesAttr = (a: string): boolean => !type || canonicalAttr(a) === type.name.toLowerCase();
  return (rec) => {
    for (const a of attrs(rec)) {
      for (const v of ctx.values(rec, a.toLowerCase()) ?? []) if (normalize(v) === assertion) return TRUE;
    }
    if (f.dnAttributes) {
      for (const ava of dnAttributeValues(ctx.dn(rec))) if (matchesAttr(ava.type) && normalize(ava.value) === assertion) return TRUE;
    }
    return FALSE;
  };
}

/** The normaliser of an explicit rule, or of the attribute's equality rule when none is named. */
function ruleNormalizer(rule: string | null, type: AttributeType | undefined): ((v: string) => string | null) | null {
  if (rule === null) return type?.kind ? (v) => normalizeValue(type, v) : null;
  if (normalizeByRule(rule, '') === undefined) return null; // unknown rule: Undefined
  return (v) => normalizeByRule(rule, v) ?? null;
}

function bitMatcher<R>(name: string | null, value: string, and: boolean, ctx: EvalContext<R>): Matcher<R> {
  const type = name ? attributeType(name) : undefined;
  if (!type || type.kind !== 'integer' || !/^\s*-?\d+\s*$/.test(value)) return always(UNDEFINED);
  const mask = BigInt(value.trim());
  const attr = type.name.toLowerCase();
  return (rec) =>
    anyValue(ctx, rec, attr, (v) => {
      if (!/^\s*-?\d+\s*$/.test(v)) return false;
      const bits = BigInt(v.trim()) & mask;
      return and ? bits === mask : bits !== 0n;
    });
}

function inChainMatcher<R>(name: string | null, value: string, ctx: EvalContext<R>): Matcher<R> {
  const type = name ? attributeType(name) : undefined;
  const target = normalizeDN(value);
  if (!type || type.kind !== 'dn' || target === null || !ctx.inChain) return always(UNDEFINED);
  const attr = type.name.toLowerCase();
  return (rec) => {
    const r = ctx.inChain!(rec, attr, target);
    return r === undefined ? UNDEFINED : r ? TRUE : FALSE;
  };
}
