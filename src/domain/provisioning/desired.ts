// The account a target should hold for one person, computed from the stored identity alone.
import { contentHash } from '../canonical';
import type { Identity } from '../types';
import type { DesiredAccount } from '../accounts';

/** What a target receives when its configuration does not list attributes. */
export const DEFAULT_TARGET_ATTRIBUTES = ['givenName', 'sn', 'displayName', 'mail', 'employeeId', 'department', 'title'];

/** The part of a target's configuration the desired state depends on. */
export interface DesiredStateTarget {
  name: string;
  deleteAfterDays?: number | null;
  userNameFrom?: 'username' | 'mail';
  attributes?: string[];
}

const DAY_MS = 86_400_000;

/**
 * null = the target should hold no account for this person (a leaver past the retention): delete it.
 * active:false = keep the account disabled (suspended, terminated within retention, or no longer
 * entitled); a worker never creates an account just to disable it.
 */
export function desiredAccount(identity: Identity, target: DesiredStateTarget, now: Date = new Date()): DesiredAccount | null {
  if (identity.state === 'terminated' && retentionOver(identity, target, now)) return null;
  const grants = identity.entitlements.filter((e) => e.kind === 'account' && e.name === target.name);
  const active = identity.state === 'active' && grants.length > 0;
  return {
    identityId: identity.id,
    userName: userNameOf(identity, target),
    active,
    attributes: pickAttributes(identity, target.attributes ?? DEFAULT_TARGET_ATTRIBUTES),
    groups: active ? [...new Set(grants.flatMap((g) => g.values ?? []))].sort() : [],
  };
}

export function desiredHash(desired: DesiredAccount | null): string {
  return contentHash(desired);
}

function retentionOver(identity: Identity, target: DesiredStateTarget, now: Date): boolean {
  if (target.deleteAfterDays === null || target.deleteAfterDays === undefined) return false;
  return now.getTime() - Date.parse(identity.stateChangedAt) >= target.deleteAfterDays * DAY_MS;
}

function userNameOf(identity: Identity, target: DesiredStateTarget): string {
  if (target.userNameFrom === 'mail' && identity.attributes.mail) return identity.attributes.mail;
  return identity.username;
}

function pickAttributes(identity: Identity, names: string[]): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const n of names) out[n] = identity.attributes[n] ?? null;
  return out;
}
