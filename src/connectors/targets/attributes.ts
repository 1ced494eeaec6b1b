// Attribute helpers every target shares. Actual accounts are reported in idsync's canonical names so
// the engine (and reconcile) can compare them with the desired account without knowing the target.
import type { ActualAccount, DesiredAccount } from '../../ports/target-connector';

/** Canonical attributes that differ between what the target holds and what it should hold. */
export function changedAttributes(actual: ActualAccount, desired: DesiredAccount, managed: readonly string[]): string[] {
  return managed.filter((key) => {
    if (!(key in desired.attributes)) return false;
    return norm(desired.attributes[key]) !== norm(actual.attributes[key]);
  });
}

function norm(v: string | null | undefined): string | null {
  return v === undefined || v === null || v === '' ? null : v;
}

export interface GroupChanges {
  add: string[];
  remove: string[];
}

/** Group names compare case-insensitively, like most directories do. */
export function groupChanges(actual: string[], desired: string[]): GroupChanges {
  const has = new Set(actual.map((g) => g.toLowerCase()));
  const want = new Set(desired.map((g) => g.toLowerCase()));
  return {
    add: desired.filter((g) => !has.has(g.toLowerCase())),
    remove: actual.filter((g) => !want.has(g.toLowerCase())),
  };
}

export function sameUserName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** Drops null/empty values: targets report absent attributes as missing, not as null. */
export function compact(attrs: Record<string, string | null | undefined>): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null && v !== '') out[k] = v;
  return out;
}
