// What a join rule compares and how. A source's `join` list names rules by shorthand or as
// `{ attribute, caseInsensitive }`; correlation only ever sees the resolved form.

/** A rule as configured: a shorthand name or an attribute with its comparison. */
export type JoinRuleSpec = JoinShorthand | { attribute: string; caseInsensitive?: boolean };

/** A rule as correlation applies it. `name` is what a dispute records as the rule that matched. */
export interface JoinRule {
  attribute: string;
  caseInsensitive: boolean;
  name: string;
}

/**
 * The shorthands. Directories compare user principal names, logins and mail addresses ignoring
 * case (Entra, AD, Okta, LDAP caseIgnoreMatch), so their shorthands do too; an employee id is an
 * HR key and compares exactly.
 */
export const JOIN_SHORTHANDS = {
  employeeId: { attribute: 'employeeId', caseInsensitive: false },
  mail: { attribute: 'mail', caseInsensitive: true },
  upn: { attribute: 'upn', caseInsensitive: true },
  login: { attribute: 'login', caseInsensitive: true },
} as const;

export type JoinShorthand = keyof typeof JOIN_SHORTHANDS;

export const JOIN_SHORTHAND_NAMES = Object.keys(JOIN_SHORTHANDS) as JoinShorthand[];

export function isJoinShorthand(value: unknown): value is JoinShorthand {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(JOIN_SHORTHANDS, value);
}

export function resolveJoinRule(spec: JoinRuleSpec): JoinRule {
  if (typeof spec === 'string') {
    if (!isJoinShorthand(spec)) throw new Error(`unknown join rule "${spec}"`);
    return { ...JOIN_SHORTHANDS[spec], name: spec };
  }
  const caseInsensitive = spec.caseInsensitive ?? false;
  return { attribute: spec.attribute, caseInsensitive, name: ruleName(spec.attribute, caseInsensitive) };
}

export function resolveJoinRules(specs: readonly JoinRuleSpec[]): JoinRule[] {
  return specs.map(resolveJoinRule);
}

/**
 * The object form of a rule that means the same as a shorthand is named like the shorthand, so a
 * dispute opened under one is recognised as the same dispute under the other.
 */
function ruleName(attribute: string, caseInsensitive: boolean): string {
  const shorthand = isJoinShorthand(attribute) ? JOIN_SHORTHANDS[attribute] : null;
  if (shorthand && shorthand.caseInsensitive === caseInsensitive) return attribute;
  return `${attribute} (${caseInsensitive ? 'case-insensitive' : 'exact'})`;
}

/**
 * The value a rule compares: trimmed and NFC, so the same text typed or exported differently
 * matches; case-insensitive rules also lower-case it. Lower-casing is the locale-independent
 * Unicode mapping, never a Turkish one: the key must not depend on the host's locale, and the
 * directories being joined fold case the invariant way too. So "I" folds to "i" and "İ" to
 * "i̇", while dotless "ı" stays itself: Turkish "KIRIM" and "kırım" do not join (no false join;
 * the worst outcome is a second identity). The final sigma folds to σ because lower-casing a
 * word-final Σ gives ς, and both spellings are the same letter. Empty after trimming is no key.
 */
export function joinKey(value: unknown, caseInsensitive: boolean): string | null {
  // not a string: absent, or an inherited property of a plain object (`constructor`)
  if (typeof value !== 'string') return null;
  const text = value.trim().normalize('NFC');
  if (!text) return null;
  return caseInsensitive ? text.toLowerCase().replace(/ς/g, 'σ').normalize('NFC') : text;
}
