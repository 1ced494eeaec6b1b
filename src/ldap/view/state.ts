// The snapshot's data: records plus the indexes that are worth storing. Everything is immutable;
// `applyIdentityChanges` returns a new state that shares all untouched shards and postings with
// the old one, so a search holding the old state keeps iterating it consistently.
import type { Group, Identity } from '../../domain/types';
import { prepCaseIgnore } from '../schema/matching';
import { normalizeDN } from '../schema/dn';
import { CowMap, insertSorted, removeSorted, type CowMapEditor } from './cow-map';
import {
  entitledGroupNames,
  groupDN,
  groupId,
  isVisible,
  personRec,
  resolveOptions,
  type GroupRec,
  type PersonRec,
  type Rec,
  type ResolvedOptions,
  type ViewOptions,
} from './records';
import { staticRecs } from './statics';

export interface ViewState {
  o: ResolvedOptions;
  recs: CowMap<number, Rec>;
  /** normalised DN -> id */
  byDn: CowMap<string, number>;
  /** identity id -> person id */
  byIdentity: CowMap<string, number>;
  /** prepared username -> person id (uid, sAMAccountName, userPrincipalName, memberUid) */
  uid: CowMap<string, number>;
  cn: CowMap<string, number[]>;
  mail: CowMap<string, number[]>;
  /** prepared employee id -> person id (employeeNumber; resolves manager) */
  employee: CowMap<string, number>;
  /** prepared manager employee id -> ids of the people reporting to them */
  reports: CowMap<string, number[]>;
  /** lower-cased group name -> group id */
  groupsByName: ReadonlyMap<string, number>;
  /** gidNumber -> group id */
  groupByGid: ReadonlyMap<number, number>;
  /** identity id -> ids of the source groups that list the person as a member */
  sourceMemberOf: ReadonlyMap<string, number[]>;
  people: number[];
  groups: number[];
  services: number[];
  statics: number[];
  primaryGroupId: number;
  /** the primary group's gidNumber as served on every person (read on every person rendered) */
  primaryGidNumber: string;
}

type Editors = {
  recs: CowMapEditor<number, Rec>;
  byDn: CowMapEditor<string, number>;
  byIdentity: CowMapEditor<string, number>;
  uid: CowMapEditor<string, number>;
  cn: CowMapEditor<string, number[]>;
  mail: CowMapEditor<string, number[]>;
  employee: CowMapEditor<string, number>;
  reports: CowMapEditor<string, number[]>;
};

export function buildState(identities: Identity[], groups: Group[], opts: ViewOptions): ViewState {
  building = true;
  try {
    return buildFresh(identities, groups, opts);
  } finally {
    building = false;
  }
}

function buildFresh(identities: Identity[], groups: Group[], opts: ViewOptions): ViewState {
  const o = resolveOptions(opts);
  const empty = <K extends string | number, V>() => CowMap.empty<K, V>().edit();
  const ed: Editors = {
    recs: empty(),
    byDn: empty(),
    byIdentity: empty(),
    uid: empty(),
    cn: empty(),
    mail: empty(),
    employee: empty(),
    reports: empty(),
  };
  const statics = staticRecs(o);
  for (const r of statics) {
    ed.recs.set(r.id, r);
    ed.byDn.set(r.ndn, r.id);
  }
  const live = groups.filter((g) => !g.deletedAt);
  const groupRecs = buildGroups(live, o);
  const groupsByName = new Map(groupRecs.map((g) => [g.name.toLowerCase(), g.id]));
  const primaryGroupId = groupsByName.get(o.defaultGroup.toLowerCase())!;
  const sourceMemberOf = sourceMemberships(live, groupsByName);
  const members = new Map<number, number[]>(groupRecs.map((g) => [g.id, []]));
  const people = identities.filter(isVisible).sort((a, b) => a.uidNumber - b.uidNumber);
  for (const identity of people) {
    const rec = personRec(identity, groupIdsOf(identity, groupsByName, primaryGroupId, sourceMemberOf), o);
    if (ed.recs.get(rec.id) || ed.byDn.get(rec.ndn) !== undefined) continue; // duplicate uidNumber/username: first wins
    indexPerson(ed, rec);
    for (const gid of rec.groupIds) members.get(gid)!.push(rec.id);
  }
  for (const g of groupRecs) {
    // slice: the pushed-to lists carry growth slack, the copy is exact (1.2M ids at 100,000 people)
    const rec = { ...g, memberIds: members.get(g.id)!.slice() };
    ed.recs.set(rec.id, rec);
    ed.byDn.set(rec.ndn, rec.id);
    addPosting(ed.cn, prepCaseIgnore(rec.name), rec.id);
  }
  for (const r of statics) if (r.kind === 'service') addPosting(ed.cn, prepCaseIgnore(r.name), r.id);
  const byIdentity = ed.byIdentity.commit();
  return {
    o,
    recs: ed.recs.commit(),
    byDn: ed.byDn.commit(),
    byIdentity,
    uid: ed.uid.commit(),
    cn: ed.cn.commit(),
    mail: ed.mail.commit(),
    employee: ed.employee.commit(),
    reports: ed.reports.commit(),
    groupsByName,
    groupByGid: new Map(groupRecs.map((g) => [g.gidNumber, g.id])),
    sourceMemberOf,
    people: [...byIdentity.values()].sort((a, b) => a - b),
    groups: groupRecs.map((g) => g.id),
    services: statics.filter((s) => s.kind === 'service').map((s) => s.id),
    statics: statics.filter((s) => s.kind === 'static').map((s) => s.id),
    primaryGroupId,
    primaryGidNumber: String(groupRecs.find((g) => g.id === primaryGroupId)!.gidNumber),
  };
}

/** Group records sorted by id, the primary group synthesised when the store has none; nesting (stored and configured) resolved. */
function buildGroups(groups: Group[], o: ResolvedOptions): GroupRec[] {
  const all = [...groups];
  if (!all.some((g) => g.name.toLowerCase() === o.defaultGroup.toLowerCase())) {
    all.push({
      name: o.defaultGroup,
      gidNumber: o.defaultGidNumber,
      description: 'Primary group of every person',
      origin: 'builtin',
      createdAt: '2026-01-01T00:00:00Z',
    });
  }
  const recs = new Map<string, GroupRec>();
  for (const g of all) {
    const key = g.name.toLowerCase();
    if (recs.has(key)) continue;
    const dn = groupDN(g.name, o);
    recs.set(key, {
      kind: 'group',
      id: groupId(g.gidNumber),
      dn,
      ndn: normalizeDN(dn) ?? dn.toLowerCase(),
      parent: o.ngroupsDN,
      name: g.name,
      gidNumber: g.gidNumber,
      description: g.description,
      provenance: g.origin.startsWith('source:') ? g.origin : null,
      createdAt: g.createdAt,
      memberIds: [],
      nestedIds: [],
      parentIds: [],
      cache: {},
    });
  }
  // Two groups with one gidNumber would share an id; the later one moves past every real gid.
  const seen = new Set<number>();
  let spare = groupId(2 ** 32);
  for (const r of recs.values()) {
    if (seen.has(r.id)) r.id = spare++;
    seen.add(r.id);
  }
  for (const g of all) {
    const parent = recs.get(g.name.toLowerCase())!;
    for (const childName of [...(g.memberGroups ?? []), ...(o.nestedGroups.get(g.name.toLowerCase()) ?? [])]) {
      const child = recs.get(childName.toLowerCase());
      if (!child || child === parent) continue;
      parent.nestedIds = insertSorted(parent.nestedIds, child.id);
      child.parentIds = insertSorted(child.parentIds, parent.id);
    }
  }
  return [...recs.values()].sort((a, b) => a.id - b.id);
}

/** Source groups hold their members themselves (role and department groups come from entitlements). */
function sourceMemberships(groups: Group[], groupsByName: ReadonlyMap<string, number>): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const g of groups) {
    const id = groupsByName.get(g.name.toLowerCase());
    if (id === undefined || !g.members?.length) continue;
    for (const identityId of g.members) {
      const list = out.get(identityId);
      if (list) list.push(id);
      else out.set(identityId, [id]);
    }
  }
  return out;
}

function groupIdsOf(identity: Identity, groupsByName: ReadonlyMap<string, number>, primary: number, sourceMemberOf: ReadonlyMap<string, number[]>): number[] {
  const ids = [primary, ...(sourceMemberOf.get(identity.id) ?? [])];
  for (const name of entitledGroupNames(identity)) {
    const id = groupsByName.get(name.toLowerCase());
    if (id !== undefined) ids.push(id);
  }
  ids.sort((a, b) => a - b);
  return ids.filter((id, i) => i === 0 || id !== ids[i - 1]).slice();
}

function addPosting<K extends string>(ed: CowMapEditor<K, number[]>, key: K, id: number): void {
  const list = ed.get(key);
  // While building, ids arrive in ascending order into lists nobody else holds: append in place.
  if (building && list && list[list.length - 1] < id) list.push(id);
  else ed.set(key, insertSorted(list ?? [], id));
}

let building = false;

function removePosting<K extends string>(ed: CowMapEditor<K, number[]>, key: K, id: number): void {
  const next = removeSorted(ed.get(key) ?? [], id);
  if (next.length === 0) ed.delete(key);
  else ed.set(key, next);
}

function indexPerson(ed: Editors, p: PersonRec): void {
  ed.recs.set(p.id, p);
  ed.byDn.set(p.ndn, p.id);
  ed.byIdentity.set(p.identityId, p.id);
  ed.uid.set(prepCaseIgnore(p.username), p.id);
  addPosting(ed.cn, prepCaseIgnore(p.cn), p.id);
  if (p.mail) addPosting(ed.mail, prepCaseIgnore(p.mail), p.id);
  if (p.employeeId) ed.employee.set(prepCaseIgnore(p.employeeId), p.id);
  if (p.managerEmployeeId) addPosting(ed.reports, prepCaseIgnore(p.managerEmployeeId), p.id);
}

function unindexPerson(ed: Editors, p: PersonRec): void {
  ed.recs.delete(p.id);
  if (ed.byDn.get(p.ndn) === p.id) ed.byDn.delete(p.ndn);
  ed.byIdentity.delete(p.identityId);
  if (ed.uid.get(prepCaseIgnore(p.username)) === p.id) ed.uid.delete(prepCaseIgnore(p.username));
  removePosting(ed.cn, prepCaseIgnore(p.cn), p.id);
  if (p.mail) removePosting(ed.mail, prepCaseIgnore(p.mail), p.id);
  if (p.employeeId && ed.employee.get(prepCaseIgnore(p.employeeId)) === p.id) ed.employee.delete(prepCaseIgnore(p.employeeId));
  if (p.managerEmployeeId) removePosting(ed.reports, prepCaseIgnore(p.managerEmployeeId), p.id);
}

/**
 * Applies changed identities (as the store now holds them) and removed identity ids. Touches only
 * the shards, postings and group member lists these people are in: cost grows with the change, not
 * with the directory. Group rows are not handled here (a new group needs a full build).
 */
export function applyIdentityChanges(state: ViewState, changed: Identity[], removedIds: string[] = []): ViewState {
  const ed: Editors = {
    recs: state.recs.edit(),
    byDn: state.byDn.edit(),
    byIdentity: state.byIdentity.edit(),
    uid: state.uid.edit(),
    cn: state.cn.edit(),
    mail: state.mail.edit(),
    employee: state.employee.edit(),
    reports: state.reports.edit(),
  };
  let people = state.people;
  const groupDrafts = new Map<number, GroupRec>();
  const group = (id: number): GroupRec => {
    let g = groupDrafts.get(id);
    if (!g) {
      const current = ed.recs.get(id) as GroupRec;
      g = { ...current, cache: {} };
      groupDrafts.set(id, g);
    }
    return g;
  };
  const current = (identityId: string): PersonRec | undefined => {
    const id = ed.byIdentity.get(identityId);
    return id === undefined ? undefined : (ed.recs.get(id) as PersonRec);
  };
  const replace = (old: PersonRec | undefined, identity: Identity | null): void => {
    if (old) unindexPerson(ed, old);
    let next = identity && isVisible(identity) ? personRec(identity, groupIdsOf(identity, state.groupsByName, state.primaryGroupId, state.sourceMemberOf), state.o) : null;
    if (next && (ed.recs.get(next.id) || ed.byDn.get(next.ndn) !== undefined)) next = null; // uidNumber or username clash
    if (next) indexPerson(ed, next);
    const sameId = old && next && old.id === next.id;
    if (old && !sameId) people = removeSorted(people, old.id);
    if (next && !sameId) people = insertSorted(people, next.id);
    // Only groups whose membership really changed are copied: a title change touches no group.
    const before = new Set(old?.groupIds ?? []);
    const after = new Set(next?.groupIds ?? []);
    for (const gid of before) {
      if (!sameId || !after.has(gid)) group(gid).memberIds = removeSorted(group(gid).memberIds, old!.id);
    }
    for (const gid of after) {
      if (!sameId || !before.has(gid)) group(gid).memberIds = insertSorted(group(gid).memberIds, next!.id);
    }
  };
  for (const id of removedIds) replace(current(id), null);
  for (const identity of changed) replace(current(identity.id), identity);
  for (const g of groupDrafts.values()) ed.recs.set(g.id, g);
  return {
    ...state,
    recs: ed.recs.commit(),
    byDn: ed.byDn.commit(),
    byIdentity: ed.byIdentity.commit(),
    uid: ed.uid.commit(),
    cn: ed.cn.commit(),
    mail: ed.mail.commit(),
    employee: ed.employee.commit(),
    reports: ed.reports.commit(),
    people,
  };
}
