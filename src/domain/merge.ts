import type { Attributes, Provenance } from './types';

/** One source record's say in the merged identity, with how much it counts per attribute. */
export interface Contribution {
  source: string;
  externalId: string;
  attributes: Attributes;
  precedence: number;
  /** attribute -> precedence overriding `precedence` for that attribute */
  attributePrecedence: Record<string, number>;
}

export interface Merged {
  attributes: Attributes;
  provenance: Record<string, Provenance>;
}

/**
 * Per attribute, the lowest precedence number with a non-null value wins (ties: source name, then
 * external id, so the result never depends on load order). An attribute every source leaves empty
 * is null, credited to the source that ranks first for it.
 */
export function mergeAttributes(contributions: Contribution[]): Merged {
  if (contributions.length === 1) return single(contributions[0]);
  const names = new Set<string>();
  for (const c of contributions) for (const k of Object.keys(c.attributes)) names.add(k);
  const attributes: Attributes = {};
  const provenance: Record<string, Provenance> = {};
  for (const name of [...names].sort()) {
    const ranked = contributions
      .filter((c) => name in c.attributes)
      .sort((a, b) => rank(a, name) - rank(b, name) || a.source.localeCompare(b.source) || a.externalId.localeCompare(b.externalId));
    const winner = ranked.find((c) => c.attributes[name] != null) ?? ranked[0];
    attributes[name] = winner.attributes[name] ?? null;
    provenance[name] = { source: winner.source, externalId: winner.externalId, rule: ruleOf(winner, name) };
  }
  return { attributes, provenance };
}

// The common case (one source) needs no ranking. Attributes and the provenance entry are shared, not
// copied: a 100,000-person run holds every merged identity in memory at once. Treat them as read-only.
function single(c: Contribution): Merged {
  const provenance: Record<string, Provenance> = {};
  const shared: Provenance = { source: c.source, externalId: c.externalId, rule: ruleOf(c, '') };
  for (const name of Object.keys(c.attributes)) {
    provenance[name] = name in c.attributePrecedence ? { ...shared, rule: ruleOf(c, name) } : shared;
  }
  return { attributes: c.attributes, provenance };
}

function rank(c: Contribution, attribute: string): number {
  return c.attributePrecedence[attribute] ?? c.precedence;
}

function ruleOf(c: Contribution, attribute: string): string {
  const override = c.attributePrecedence[attribute];
  return override === undefined
    ? `precedence:${c.source}(${c.precedence})`
    : `attributePrecedence:${c.source}.${attribute}(${override})`;
}

/** Reads a precedence back out of a rule string, for sources whose config this run does not have. */
export function precedenceFromRule(rule: string): number | null {
  const m = /\((-?\d+)\)$/.exec(rule);
  return m ? Number(m[1]) : null;
}
