// Source groups: what a source's read does to the groups it brought before. Pure: the caller
// resolves person external ids to identities and commits the changes. Principle 3 holds here as
// for people: an incomplete read adds members and groups but never removes either.
import type { Group } from './types';

/**
 * One group as a source reports it (the port's RawGroup). `externalId` is the vendor's immutable id;
 * members name other records of the same source by their externalId. A full read gives
 * `members`/`memberGroups` whole; a delta read of a vendor that only reports membership changes
 * gives `memberChanges` instead.
 */
export interface SourceGroupInput {
  externalId: string;
  /** display name as the vendor shows it (before any configured prefix) */
  name: string;
  description?: string;
  /** externalIds of the people in the group (full read) */
  members?: string[];
  /** externalIds of groups nested directly inside this one (full read) */
  memberGroups?: string[];
  /** membership changes since the watermark (delta read) */
  memberChanges?: { added: string[]; removed: string[]; addedGroups?: string[]; removedGroups?: string[] };
  location?: string;
}

export interface SourceGroupsInput {
  source: string;
  /** `groups.prefix` of the source, put before every name the source gives */
  prefix: string;
  mode: 'full' | 'delta';
  complete: boolean;
  groups: SourceGroupInput[];
  /** group external ids a delta read reports deleted */
  removed: string[];
  /** the stored groups of this source, tombstones included */
  existing: Group[];
  /** a person external id of this source -> identity id, null when no identity holds it */
  identityOf: (externalId: string) => string | null;
  /** lower-cased name -> origin, for every stored group of another origin (tombstones included) */
  takenByOthers: Map<string, string>;
  now: string;
}

export type GroupAction = 'group.create' | 'group.update' | 'group.restore' | 'group.delete';

export interface GroupChange {
  action: GroupAction;
  externalId: string;
  /** the live group before (null for a create or a restore) */
  before: Group | null;
  /** the row to write: the live group, or the tombstone of a deleted one; gidNumber 0 = to assign */
  after: Group;
  /** a stored row this change replaces under another name (rename, delete, restore), or null */
  replaces: string | null;
  membersAdded: string[];
  membersRemoved: string[];
  groupsAdded: string[];
  groupsRemoved: string[];
}

export interface SourceGroupsPlan {
  changes: GroupChange[];
  problems: Array<{ location: string; message: string }>;
  /** memberships and non-empty groups of this source before the run, for the safety limits */
  membershipsBefore: number;
  groupsBefore: number;
  membersRemoved: number;
  /** groups that had members and have none after the run, deleted ones included */
  groupsEmptied: number;
}

export const sourceGroupOrigin = (source: string): string => `source:${source}`;

/** Where a deleted group's row lives: a name no source, role or department group can have. */
export const tombstoneGroupName = (source: string, externalId: string): string => `deleted:${source}:${externalId}`;

interface Draft {
  name: string;
  description: string | null;
  members: Set<string>;
  children: Set<string>;
  location: string;
  deleted: boolean;
}

export function planSourceGroups(input: SourceGroupsInput): SourceGroupsPlan {
  const byExt = new Map(input.existing.map((g) => [g.externalId ?? g.name, g]));
  const live = input.existing.filter((g) => !g.deletedAt && g.externalId);
  const extOfName = new Map(live.map((l) => [l.name.toLowerCase(), l.externalId as string]));
  const drafts = new Map<string, Draft>(live.map((g) => [g.externalId as string, draftOf(g, extOfName)]));
  const problems: SourceGroupsPlan['problems'] = [];
  const seen = new Set<string>();
  for (const g of input.groups) {
    if (seen.has(g.externalId)) continue;
    seen.add(g.externalId);
    drafts.set(g.externalId, readGroup(g, drafts.get(g.externalId), input));
  }
  if (input.complete) markDeleted(drafts, input, seen);
  resolveClashes(drafts, byExt, input, problems);
  const plan: SourceGroupsPlan = { changes: [], problems, membershipsBefore: 0, groupsBefore: 0, membersRemoved: 0, groupsEmptied: 0 };
  for (const g of live) {
    plan.membershipsBefore += g.members?.length ?? 0;
    if (g.members?.length) plan.groupsBefore++;
  }
  for (const [externalId, draft] of drafts) {
    const change = changeOf(externalId, draft, byExt.get(externalId) ?? null, drafts, input);
    if (!change) continue;
    plan.changes.push(change);
    plan.membersRemoved += change.membersRemoved.length;
    if (change.before?.members?.length && !change.after.members?.length) plan.groupsEmptied++;
  }
  plan.changes.sort((a, b) => shownName(a).localeCompare(shownName(b)));
  return plan;
}

/** the name a change is shown under: a deleted group's last name, not its tombstone's */
export const shownName = (c: GroupChange): string => (c.action === 'group.delete' && c.before ? c.before.name : c.after.name);

function draftOf(g: Group, extOfName: Map<string, string>): Draft {
  const children = (g.memberGroups ?? []).map((n) => extOfName.get(n.toLowerCase())).filter((e): e is string => !!e);
  return { name: g.name, description: g.description, members: new Set(g.members ?? []), children: new Set(children), location: g.name, deleted: false };
}

/** The group as this read leaves it. Removals count only when the read is complete. */
function readGroup(g: SourceGroupInput, prev: Draft | undefined, input: SourceGroupsInput): Draft {
  const resolve = (ids: string[] | undefined) => (ids ?? []).map(input.identityOf).filter((id): id is string => !!id);
  const members = new Set(prev?.members ?? []);
  const children = new Set(prev?.children ?? []);
  if (g.members) replaceOrAdd(members, resolve(g.members), input.complete);
  if (g.memberGroups) replaceOrAdd(children, g.memberGroups, input.complete);
  if (g.memberChanges) {
    for (const id of resolve(g.memberChanges.added)) members.add(id);
    for (const ext of g.memberChanges.addedGroups ?? []) children.add(ext);
    if (input.complete) {
      for (const id of resolve(g.memberChanges.removed)) members.delete(id);
      for (const ext of g.memberChanges.removedGroups ?? []) children.delete(ext);
    }
  }
  children.delete(g.externalId);
  const description = g.description ?? (g.memberChanges ? (prev?.description ?? null) : null);
  const name = typeof g.name === 'string' && g.name.trim() ? `${input.prefix}${g.name}` : '';
  return { name, description, members, children, location: g.location ?? g.externalId, deleted: false };
}

/** A full list replaces the set when the read is complete; otherwise it can only add. */
function replaceOrAdd(set: Set<string>, values: string[], complete: boolean): void {
  if (complete) set.clear();
  for (const v of values) set.add(v);
}

function markDeleted(drafts: Map<string, Draft>, input: SourceGroupsInput, seen: Set<string>): void {
  const gone = input.mode === 'full' ? [...drafts.keys()].filter((ext) => !seen.has(ext)) : input.removed;
  for (const ext of gone) {
    const d = drafts.get(ext);
    if (d) d.deleted = true;
  }
}

/**
 * A name held by a group of another origin, or by another group of this source, is not taken
 * over: the group keeps its stored state (or is not created) and the clash is reported.
 */
function resolveClashes(drafts: Map<string, Draft>, byExt: Map<string, Group>, input: SourceGroupsInput, problems: SourceGroupsPlan['problems']): void {
  const owner = new Map<string, string>();
  // this source's tombstones keep their rows (and gidNumbers) against any name a group arrives with
  for (const g of byExt.values()) if (g.deletedAt && g.externalId && !isRestored(drafts.get(g.externalId))) owner.set(g.name.toLowerCase(), g.externalId);
  // stored names first: a group keeps the name it already has against a newcomer
  const order = [...drafts.keys()].sort((a, b) => Number(!isLiveAs(byExt.get(a), drafts.get(a)!)) - Number(!isLiveAs(byExt.get(b), drafts.get(b)!)));
  for (const ext of order) {
    const d = drafts.get(ext)!;
    if (d.deleted) continue;
    const key = d.name.toLowerCase();
    if (!d.name.trim()) {
      problems.push({ location: d.location, message: `group ${ext} has no name; not applied` });
      drafts.delete(ext);
      continue;
    }
    const other = input.takenByOthers.get(key);
    const sibling = owner.get(key);
    if (!other && !sibling) {
      owner.set(key, ext);
      continue;
    }
    const holder = other ? `a group of origin "${other}"` : `group ${sibling} of the same source`;
    problems.push({ location: d.location, message: `group "${d.name}" (${ext}) not applied: the name is taken by ${holder}; set groups.prefix on source "${input.source}"` });
    const prev = byExt.get(ext);
    if (prev && !prev.deletedAt && prev.name.toLowerCase() !== key) drafts.set(ext, { ...d, name: prev.name });
    else drafts.delete(ext);
  }
}

const isRestored = (d: Draft | undefined): boolean => !!d && !d.deleted;

function isLiveAs(prev: Group | undefined, d: Draft): boolean {
  return !!prev && !prev.deletedAt && prev.name.toLowerCase() === d.name.toLowerCase();
}

function changeOf(externalId: string, d: Draft, prev: Group | null, drafts: Map<string, Draft>, input: SourceGroupsInput): GroupChange | null {
  const before = prev && !prev.deletedAt ? prev : null;
  const beforeMembers = before?.members ?? [];
  const beforeGroups = before?.memberGroups ?? [];
  if (d.deleted) {
    if (!before) return null;
    const tombstone: Group = {
      ...before,
      name: tombstoneGroupName(input.source, externalId),
      formerName: before.name,
      members: [],
      memberGroups: [],
      deletedAt: input.now,
    };
    return { action: 'group.delete', externalId, before, after: tombstone, replaces: before.name, membersAdded: [], membersRemoved: [...beforeMembers], groupsAdded: [], groupsRemoved: [...beforeGroups] };
  }
  const members = [...d.members].sort();
  const memberGroups = [...d.children]
    .map((ext) => drafts.get(ext))
    .filter((c): c is Draft => !!c && !c.deleted)
    .map((c) => c.name)
    .sort();
  const after: Group = {
    name: d.name,
    gidNumber: prev?.gidNumber ?? 0,
    description: d.description,
    origin: sourceGroupOrigin(input.source),
    createdAt: prev?.createdAt ?? input.now,
    externalId,
    members,
    memberGroups,
  };
  const change: GroupChange = {
    action: !prev ? 'group.create' : prev.deletedAt ? 'group.restore' : 'group.update',
    externalId,
    before,
    after,
    replaces: prev && prev.name !== after.name ? prev.name : null,
    membersAdded: difference(members, beforeMembers),
    membersRemoved: difference(beforeMembers, members),
    groupsAdded: difference(memberGroups, beforeGroups),
    groupsRemoved: difference(beforeGroups, memberGroups),
  };
  if (change.action === 'group.update' && !change.replaces && before && sameGroup(before, after)) return null;
  return change;
}

function sameGroup(a: Group, b: Group): boolean {
  return a.name === b.name && a.description === b.description && same(a.members ?? [], b.members ?? []) && same(a.memberGroups ?? [], b.memberGroups ?? []);
}

const same = (a: string[], b: string[]): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

function difference(a: string[], b: string[]): string[] {
  const drop = new Set(b);
  return a.filter((v) => !drop.has(v));
}
