import type { DecidedJoin } from './disputes';
import { joinKey, type JoinRule } from './join-rules';
import type { Attributes } from './types';

export type { JoinRule } from './join-rules';

export type Correlation =
  | { kind: 'join'; identityId: string; rule: string }
  | { kind: 'new' }
  | { kind: 'dispute'; candidates: string[]; rule: string };

const slotOf = (rule: JoinRule): string => `${rule.attribute}\u0000${rule.caseInsensitive ? 'i' : 's'}`;

/**
 * Lookup of identities by the values the given join rules compare; built once per run, grown as
 * it goes. Two rules that compare the same attribute the same way share one map.
 */
export class CorrelationIndex {
  private readonly slots = new Map<string, { rule: JoinRule; byKey: Map<string, string[]> }>();

  constructor(rules: readonly JoinRule[]) {
    for (const rule of rules) if (!this.slots.has(slotOf(rule))) this.slots.set(slotOf(rule), { rule, byKey: new Map() });
  }

  add(identityId: string, attributes: Attributes): void {
    for (const { rule, byKey } of this.slots.values()) {
      const key = joinKey(attributes[rule.attribute], rule.caseInsensitive);
      if (key === null) continue;
      const ids = byKey.get(key);
      if (!ids) byKey.set(key, [identityId]);
      else if (!ids.includes(identityId)) ids.push(identityId);
    }
  }

  remove(identityId: string, attributes: Attributes): void {
    for (const { rule, byKey } of this.slots.values()) {
      const key = joinKey(attributes[rule.attribute], rule.caseInsensitive);
      const ids = key === null ? undefined : byKey.get(key);
      if (ids) byKey.set(key as string, ids.filter((id) => id !== identityId));
    }
  }

  candidates(rule: JoinRule, attributes: Attributes): string[] {
    const slot = this.slots.get(slotOf(rule));
    if (!slot) throw new Error(`internal: the correlation index was not built for join rule ${rule.name}`);
    const key = joinKey(attributes[rule.attribute], rule.caseInsensitive);
    return key === null ? [] : (slot.byKey.get(key) ?? []);
  }
}

/**
 * A person's decision on a dispute of this record comes first: it joins the identity they chose
 * while that identity is eligible. Then the ordered join rules: the first rule with exactly one
 * eligible candidate joins; a rule with more than one is a dispute (a person must decide); no
 * candidate under any rule means a new identity. `eligible` drops candidates that cannot be this
 * person (e.g. already linked to another record of the same source: one source never describes
 * one person twice).
 */
export function correlate(
  attributes: Attributes,
  rules: readonly JoinRule[],
  index: CorrelationIndex,
  eligible: (identityId: string) => boolean,
  decided?: DecidedJoin | null,
): Correlation {
  if (decided && eligible(decided.identityId)) return { kind: 'join', identityId: decided.identityId, rule: `dispute:${decided.disputeId}` };
  for (const rule of rules) {
    const candidates = index.candidates(rule, attributes).filter(eligible);
    if (candidates.length === 1) return { kind: 'join', identityId: candidates[0], rule: rule.name };
    if (candidates.length > 1) return { kind: 'dispute', candidates: [...candidates].sort(), rule: rule.name };
  }
  return { kind: 'new' };
}
