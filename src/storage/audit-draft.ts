import type { AuditDraft } from '../domain/types';

/**
 * What a store hashes must be exactly what it can read back. `before`/`after` are `unknown`: an
 * `undefined`, a Date or a class instance would hash one way and come back from JSON (or BSON)
 * another, and the chain would look tampered. A JSON round trip fixes the stored form first.
 */
export function normalizeAuditDraft(draft: AuditDraft): AuditDraft {
  return JSON.parse(
    JSON.stringify({ ...draft, before: draft.before ?? null, after: draft.after ?? null }),
  ) as AuditDraft;
}
