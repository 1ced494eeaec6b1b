import type { AuditDraft } from '../domain/types';

/**
 * What a store hashes must be exactly what it can read back. `before`/`after` are `unknown`: an
 * `undefined`, a Date or a class instance would hash one way and come back from JSON (or BSON)
 * another, and the chain would look tampered. Such values get a JSON round trip first; plain JSON
 * data (the common case, thousands per sync batch) is passed through without copying.
 */
export function normalizeAuditDraft(draft: AuditDraft): AuditDraft {
  const before = draft.before ?? null;
  const after = draft.after ?? null;
  if (isPlainJson(before) && isPlainJson(after) && before === draft.before && after === draft.after) return draft;
  return { ...draft, before: jsonCopy(before), after: jsonCopy(after) };
}

function jsonCopy(value: unknown): unknown {
  return isPlainJson(value) ? value : JSON.parse(JSON.stringify(value) ?? 'null');
}

/** true when JSON.parse(JSON.stringify(value)) would deep-equal value */
export function isPlainJson(value: unknown, depth = 0): boolean {
  if (depth > 64) return false;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.every((v) => isPlainJson(v, depth + 1));
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const key in value) {
    if (!isPlainJson((value as Record<string, unknown>)[key], depth + 1)) return false;
  }
  return true;
}
