import { canonicalJson } from './canonical';
import type { Attributes, Entitlement, Identity, LifecycleState, Provenance } from './types';

export interface ValueChange<T> {
  before: T;
  after: T;
}

/** What one change did to one identity; only what changed is present. */
export interface IdentityDiff {
  attributes: Record<string, ValueChange<string | null>>;
  provenance: Record<string, ValueChange<Provenance | null>>;
  state: ValueChange<LifecycleState> | null;
  entitlementsAdded: Entitlement[];
  entitlementsRemoved: Entitlement[];
  links: boolean;
}

export function diffIdentities(before: Identity | null, after: Identity): IdentityDiff {
  const attributes: IdentityDiff['attributes'] = {};
  const provenance: IdentityDiff['provenance'] = {};
  for (const key of unionKeys(before?.attributes ?? {}, after.attributes)) {
    const b = before?.attributes[key] ?? null;
    const a = after.attributes[key] ?? null;
    if (b !== a) attributes[key] = { before: b, after: a };
  }
  // a new identity's provenance is all of it; listing it again as a change would only cost memory
  for (const key of before ? unionKeys(before.provenance, after.provenance) : []) {
    const b = before?.provenance[key] ?? null;
    const a = after.provenance[key] ?? null;
    if (!sameProvenance(b, a)) provenance[key] = { before: b, after: a };
  }
  const beforeEnt = new Map((before?.entitlements ?? []).map((e) => [entitlementKey(e), e]));
  const afterEnt = new Map(after.entitlements.map((e) => [entitlementKey(e), e]));
  return {
    attributes,
    provenance,
    state: before && before.state !== after.state ? { before: before.state, after: after.state } : null,
    entitlementsAdded: [...afterEnt].filter(([k]) => !beforeEnt.has(k)).map(([, e]) => e),
    entitlementsRemoved: [...beforeEnt].filter(([k]) => !afterEnt.has(k)).map(([, e]) => e),
    links: !sameLinks(before?.links ?? [], after.links),
  };
}

export function isEmptyDiff(d: IdentityDiff): boolean {
  return (
    Object.keys(d.attributes).length === 0 &&
    Object.keys(d.provenance).length === 0 &&
    !d.state &&
    d.entitlementsAdded.length === 0 &&
    d.entitlementsRemoved.length === 0 &&
    !d.links
  );
}

/** The audit before/after pair: changed attributes only, plus state and entitlements when they moved. */
export function auditPayload(d: IdentityDiff): { before: Record<string, unknown>; after: Record<string, unknown> } {
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  const attrsBefore: Attributes = {};
  const attrsAfter: Attributes = {};
  for (const [k, v] of Object.entries(d.attributes)) {
    attrsBefore[k] = v.before;
    attrsAfter[k] = v.after;
  }
  if (Object.keys(d.attributes).length) {
    before.attributes = attrsBefore;
    after.attributes = attrsAfter;
  }
  if (d.state) {
    before.state = d.state.before;
    after.state = d.state.after;
  }
  if (d.entitlementsAdded.length || d.entitlementsRemoved.length) {
    before.entitlementsRemoved = d.entitlementsRemoved;
    after.entitlementsAdded = d.entitlementsAdded;
  }
  return { before, after };
}

// Field-by-field comparisons: a run diffs every changed person, so no JSON per comparison.
function sameProvenance(a: Provenance | null, b: Provenance | null): boolean {
  if (!a || !b) return a === b;
  return a.source === b.source && a.externalId === b.externalId && a.rule === b.rule;
}

function sameLinks(a: Identity['links'], b: Identity['links']): boolean {
  return a.length === b.length && a.every((l, i) => l.source === b[i].source && l.externalId === b[i].externalId);
}

function entitlementKey(e: Entitlement): string {
  return e.values ? `${e.kind}\u0000${e.name}\u0000${e.rule}\u0000${canonicalJson(e.values)}` : `${e.kind}\u0000${e.name}\u0000${e.rule}`;
}

function unionKeys(a: object, b: object): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
}

/**
 * The identity as it would be after `d`: what a dry run's change would leave, so a preview can
 * plan each target against it rather than against the identity as stored.
 */
export function projectDiff(identity: Identity, d: IdentityDiff): Identity {
  const attributes = { ...identity.attributes };
  for (const [k, v] of Object.entries(d.attributes)) attributes[k] = v.after;
  const provenance = { ...identity.provenance };
  for (const [k, v] of Object.entries(d.provenance)) {
    if (v.after) provenance[k] = v.after;
    else delete provenance[k];
  }
  const removed = new Set(d.entitlementsRemoved.map(entitlementKey));
  const entitlements = [...identity.entitlements.filter((e) => !removed.has(entitlementKey(e))), ...d.entitlementsAdded];
  return { ...identity, attributes, provenance, entitlements, state: d.state?.after ?? identity.state };
}
