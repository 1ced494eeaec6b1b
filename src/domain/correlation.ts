import type { Attributes } from './types';

export type JoinRule = 'employeeId' | 'mail';

export type Correlation =
  | { kind: 'join'; identityId: string; rule: JoinRule }
  | { kind: 'new' }
  | { kind: 'dispute'; candidates: string[]; rule: JoinRule };

/** Lookup of identities by the values join rules compare; built once per run, grown as it goes. */
export class CorrelationIndex {
  private readonly byRule: Record<JoinRule, Map<string, string[]>> = { employeeId: new Map(), mail: new Map() };

  add(identityId: string, attributes: Attributes): void {
    for (const rule of ['employeeId', 'mail'] as const) {
      const key = keyOf(rule, attributes);
      if (!key) continue;
      const ids = this.byRule[rule].get(key);
      if (!ids) this.byRule[rule].set(key, [identityId]);
      else if (!ids.includes(identityId)) ids.push(identityId);
    }
  }

  remove(identityId: string, attributes: Attributes): void {
    for (const rule of ['employeeId', 'mail'] as const) {
      const key = keyOf(rule, attributes);
      const ids = key ? this.byRule[rule].get(key) : undefined;
      if (ids) this.byRule[rule].set(key as string, ids.filter((id) => id !== identityId));
    }
  }

  candidates(rule: JoinRule, attributes: Attributes): string[] {
    const key = keyOf(rule, attributes);
    return key ? (this.byRule[rule].get(key) ?? []) : [];
  }
}

function keyOf(rule: JoinRule, attributes: Attributes): string | null {
  const value = attributes[rule];
  if (!value) return null;
  return rule === 'mail' ? value.toLowerCase() : value;
}

/**
 * Ordered join rules: the first rule with exactly one eligible candidate joins; a rule with more
 * than one is a dispute (a person must decide); no candidate under any rule means a new identity.
 * `eligible` drops candidates that cannot be this person (e.g. already linked to another record of
 * the same source: one source never describes one person twice).
 */
export function correlate(
  attributes: Attributes,
  rules: readonly JoinRule[],
  index: CorrelationIndex,
  eligible: (identityId: string) => boolean,
): Correlation {
  for (const rule of rules) {
    const candidates = index.candidates(rule, attributes).filter(eligible);
    if (candidates.length === 1) return { kind: 'join', identityId: candidates[0], rule };
    if (candidates.length > 1) return { kind: 'dispute', candidates: [...candidates].sort(), rule };
  }
  return { kind: 'new' };
}
