// What one audit record says a person gained and lost. The sync writes every entitlement with the
// rule that granted it: identity.create lists them all in `after.entitlements`, every other
// identity.* action lists what moved in `before.entitlementsRemoved` / `after.entitlementsAdded`.
import type { AuditRecord, Entitlement } from '../../domain/types';

export interface EntitlementMoves {
  added: Entitlement[];
  removed: Entitlement[];
}

/** The entitlements the record added and removed, or null when it is not an identity change that moved any. */
export function entitlementMoves(record: AuditRecord): EntitlementMoves | null {
  if (record.subject.kind !== 'identity' || !record.action.startsWith('identity.')) return null;
  const added = record.action === 'identity.create' ? listAt(record.after, 'entitlements') : listAt(record.after, 'entitlementsAdded');
  const removed = record.action === 'identity.create' ? [] : listAt(record.before, 'entitlementsRemoved');
  return added.length || removed.length ? { added, removed } : null;
}

/** `group:eng`, `account:github[admins,dev]`: one entitlement as the report lists it. */
export function entitlementLabel(e: Entitlement): string {
  return e.kind === 'account' && e.values?.length ? `account:${e.name}[${e.values.join(',')}]` : `${e.kind}:${e.name}`;
}

// Records are read back from the store as written, but an old or hand-made record may lack a field:
// anything that is not an entitlement is skipped rather than trusted.
function listAt(payload: unknown, key: string): Entitlement[] {
  if (!payload || typeof payload !== 'object') return [];
  const list = (payload as Record<string, unknown>)[key];
  return Array.isArray(list) ? list.filter(isEntitlement) : [];
}

function isEntitlement(value: unknown): value is Entitlement {
  if (!value || typeof value !== 'object') return false;
  const e = value as Record<string, unknown>;
  return (e.kind === 'group' || e.kind === 'account') && typeof e.name === 'string' && typeof e.rule === 'string';
}
