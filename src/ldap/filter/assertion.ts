// Attribute value assertions (RFC 4511 4.1.7) evaluated against one entry, as the Compare
// operation needs them. The match itself is the search evaluator's equality match, so a Compare
// and an equality filter can never disagree; what Compare adds is telling apart why a value did
// not match (unknown attribute, no equality rule, bad syntax, attribute absent).
import type { AssertionOutcome, LdapEntry } from '../contract';
import { attributeType } from '../schema/attributes';
import { normalizeValue } from '../schema/matching';
import { matcherOf, TRUE, type EvalContext } from './evaluate';

export function evaluateAssertion<R>(ctx: EvalContext<R>, rec: R, attributeDesc: string, value: string): AssertionOutcome {
  const type = attributeType(attributeDesc);
  if (!type) return 'undefinedAttributeType';
  if (!type.kind) return 'inappropriateMatching';
  if (normalizeValue(type, value) === null) return 'invalidAttributeSyntax';
  // Values idsync serves carry no options, so `cn;lang-de` is an attribute this entry does not hold.
  if (attributeDesc.includes(';')) return 'noSuchAttribute';
  if (matcherOf({ type: 'eq', attr: type.name.toLowerCase(), value }, ctx)(rec) === TRUE) return 'true';
  const attr = type.name.toLowerCase();
  const present = ctx.present?.(rec, attr) ?? (ctx.values(rec, attr)?.length ?? 0) > 0;
  return present ? 'false' : 'noSuchAttribute';
}

/** The evaluator's view of a rendered entry (rootDSE, subschema): its attributes as they are. */
export const renderedEntryContext: EvalContext<LdapEntry> = {
  values: (entry, attr) => entry.attrs.get(attr)?.values,
  dn: (entry) => entry.dn,
  attributeNames: (entry) => [...entry.attrs.values()].filter((a) => !a.operational).map((a) => a.name),
};
