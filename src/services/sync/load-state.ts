import { CorrelationIndex } from '../../domain/correlation';
import { decidedJoins, type DecidedJoin } from '../../domain/disputes';
import { joinKey, type JoinRule } from '../../domain/join-rules';
import { GroupMembership } from '../../domain/group-membership';
import type { Dispute, Group, Identity, SourceRecord } from '../../domain/types';
import type { IdentityStore, SourceRecordDigest } from '../../ports/identity-store';
import type { SourceSnapshot } from '../../ports/source-connector';
import { prepareSnapshot, type PreparedSnapshot } from './prepare';

/**
 * What a run reads from the store, loaded up front so planning never awaits per person. Only what
 * the run can touch is loaded in full: records whose hash changed or that went missing, their
 * identities, identities the calendar moves, and correlation candidates of new records. An
 * unchanged record is compared by hash against its digest and costs nothing more.
 */
export interface RunState {
  /** every stored record of this source, light */
  digests: Map<string, SourceRecordDigest>;
  /** stored records of this source the run may write (changed or absent), in full */
  records: Map<string, SourceRecord>;
  /** the identities the run may touch (it adds the ones it creates) */
  identities: Map<string, Identity>;
  /** records of other sources linked to loaded identities, keyed by recordKey */
  otherRecords: Map<string, SourceRecord>;
  groups: Set<string>;
  /** every stored group, tombstones included */
  groupRows: Group[];
  /** source groups of each identity as stored, for role conditions */
  membership: GroupMembership;
  /** open disputes of this source by external id */
  openDisputes: Map<string, Dispute>;
  /** records of this source a person decided a dispute of, by external id: the identity they chose */
  decided: Map<string, DecidedJoin>;
  /** over the loaded identities, which include every possible candidate of every record to correlate */
  index: LazyIndex;
  /** every username ever assigned, lower-cased: never handed out again (loaded when someone is new) */
  takenUsernames: () => Set<string>;
}

/** The correlation index over the run's identities, built only when a record needs correlating. */
export class LazyIndex {
  private built: CorrelationIndex | null = null;

  constructor(
    private readonly identities: Map<string, Identity>,
    private readonly rules: readonly JoinRule[],
  ) {}

  get(): CorrelationIndex {
    if (!this.built) {
      this.built = new CorrelationIndex(this.rules);
      for (const identity of this.identities.values()) this.built.add(identity.id, correlationAttributes(identity));
    }
    return this.built;
  }

  /** keeps a built index in step; an unbuilt one reads the identities map when it is built */
  replace(before: Identity | null, after: Identity): void {
    if (!this.built) return;
    if (before) this.built.remove(before.id, correlationAttributes(before));
    this.built.add(after.id, correlationAttributes(after));
  }
}

export const recordKey = (source: string, externalId: string): string => `${source}\u0000${externalId}`;

/** A stored record the run can skip: linked, present, and hashed the same as what the source sent. */
export function isUnchanged(digest: SourceRecordDigest | undefined, hash: string): digest is SourceRecordDigest & { identityId: string } {
  return !!digest && !digest.gone && !!digest.identityId && digest.hash === hash;
}

export interface LoadOptions {
  /** the latest yyyy-mm-dd any zone shows at the run, to find identities a date may have moved */
  today: string;
  /** external ids absence may terminate (complete full export) or a delta source removed */
  absenceCandidates: 'full' | string[] | null;
  /** the source's join rules, resolved: what correlation compares */
  join: readonly JoinRule[];
  /**
   * A delta read mentions only the changed: also give the calendar its say over the identities
   * this source links that the snapshot leaves out (an end date entered weeks ago passes today).
   */
  calendarSweep?: boolean;
}

// Above this many records to load in full, one listing of the source beats fetching them by id.
const LIST_ALL_ABOVE = 20_000;
const FETCH_CHUNK = 5_000;

/** Reads what the run needs and prepares the snapshot against it (see prepareSnapshot). */
export async function loadRunState(
  store: IdentityStore,
  source: string,
  snapshot: SourceSnapshot,
  opts: LoadOptions,
): Promise<{ state: RunState; prepared: PreparedSnapshot }> {
  const digests = new Map<string, SourceRecordDigest>();
  for (const d of await store.sourceRecordHashes(source)) digests.set(d.externalId, d);
  // few identities are due on any day: ask first, keep those an unchanged record of this source links
  const due = new Map((await store.identitiesWithDateTransitionsDue(opts.today)).map((i) => [i.id, i]));
  const identities = new Map<string, Identity>();
  const prepared = prepareSnapshot(snapshot, (externalId, hash) => {
    const digest = digests.get(externalId);
    if (!isUnchanged(digest, hash)) return 'changed';
    const identity = due.get(digest.identityId);
    if (!identity) return 'unchanged';
    identities.set(identity.id, identity);
    return 'unchanged-due';
  });
  if (opts.calendarSweep) sweepCalendar(prepared, digests, due, identities);
  const wanted = new Set<string>();
  for (const r of prepared.records) if (r.attributes && digests.has(r.externalId)) wanted.add(r.externalId);
  if (opts.absenceCandidates === 'full') {
    for (const d of digests.values()) if (!d.gone && !prepared.seen.has(d.externalId)) wanted.add(d.externalId);
  } else for (const id of opts.absenceCandidates ?? []) if (digests.get(id)?.gone === false) wanted.add(id);

  const records = await loadRecords(store, source, wanted, digests.size);
  const identityIds = new Set<string>();
  for (const r of records.values()) if (r.identityId) identityIds.add(r.identityId);
  for (const identity of await fetchIdentities(store, [...identityIds])) identities.set(identity.id, identity);
  for (const identity of identities.values()) shareProvenance(identity);
  const taken = await loadCorrelationCandidates(store, prepared, { digests, records, identities, rules: opts.join });
  const [groups, disputes] = await Promise.all([store.listGroups(), store.listDisputes(false)]);
  const decided = decidedJoins(disputes, source);
  await loadDecidedIdentities(store, prepared, decided, identities);
  const byId = identities;
  const state: RunState = {
    digests,
    records,
    identities: byId,
    otherRecords: await loadOtherRecords(store, source, byId),
    groups: new Set(groups.map((g) => g.name)),
    groupRows: groups,
    membership: new GroupMembership(groups),
    openDisputes: new Map(disputes.filter((d) => d.source === source && !d.resolvedAt).map((d) => [d.externalId, d])),
    decided,
    index: new LazyIndex(byId, opts.join),
    takenUsernames: () => {
      // loaded whenever a record needs correlating, the only way to a new identity
      if (!taken) throw new Error('internal: a new username was asked for, but the taken usernames were not loaded');
      return taken;
    },
  };
  return { state, prepared };
}

/** Adds, as unchanged-due records, the due identities linked by records of this source the snapshot did not mention. */
function sweepCalendar(prepared: PreparedSnapshot, digests: Map<string, SourceRecordDigest>, due: Map<string, Identity>, identities: Map<string, Identity>): void {
  if (due.size === 0) return;
  for (const d of digests.values()) {
    const identity = d.identityId && !d.gone && !prepared.seen.has(d.externalId) ? due.get(d.identityId) : undefined;
    // one step per identity: skip one a record of the snapshot (or another of its records) already brought
    if (!identity || identities.has(identity.id)) continue;
    identities.set(identity.id, identity);
    prepared.records.push({ externalId: d.externalId, attributes: null, hash: d.hash });
  }
}

/**
 * The identity a decision chose may no longer match the record under any join rule (its mail
 * changed since): it is loaded anyway, so correlation can honour the decision.
 */
async function loadDecidedIdentities(store: IdentityStore, prepared: PreparedSnapshot, decided: Map<string, DecidedJoin>, identities: Map<string, Identity>): Promise<void> {
  if (decided.size === 0) return;
  const wanted = new Set<string>();
  for (const r of prepared.records) {
    const id = r.attributes ? decided.get(r.externalId)?.identityId : undefined;
    if (id && !identities.has(id)) wanted.add(id);
  }
  for (const identity of await fetchIdentities(store, [...wanted])) identities.set(identity.id, identity);
}

async function loadRecords(store: IdentityStore, source: string, wanted: Set<string>, stored: number): Promise<Map<string, SourceRecord>> {
  const out = new Map<string, SourceRecord>();
  if (wanted.size === 0) return out;
  if (wanted.size > LIST_ALL_ABOVE && wanted.size * 4 > stored) {
    for (const r of await store.listSourceRecords(source)) if (wanted.has(r.externalId)) out.set(r.externalId, r);
    return out;
  }
  const ids = [...wanted];
  for (let i = 0; i < ids.length; i += FETCH_CHUNK) {
    for (const r of await store.getSourceRecords(source, ids.slice(i, i + FETCH_CHUNK))) out.set(r.externalId, r);
  }
  return out;
}

async function fetchIdentities(store: IdentityStore, ids: string[]): Promise<Identity[]> {
  const out: Identity[] = [];
  for (let i = 0; i < ids.length; i += FETCH_CHUNK) out.push(...(await store.getIdentities(ids.slice(i, i + FETCH_CHUNK))));
  return out;
}

interface CandidateSearch {
  digests: Map<string, SourceRecordDigest>;
  records: Map<string, SourceRecord>;
  identities: Map<string, Identity>;
  rules: readonly JoinRule[];
}

/**
 * Records that must be correlated (new, or stored without a live link) can join any identity whose
 * value under a join rule is theirs. Those candidates are loaded, so the in-memory index over the
 * loaded identities answers exactly as an index over all would. Employee ids and mail are in the
 * store's light key listing; a rule on any other attribute needs the identities themselves, so
 * such a source loads them all, and only in a run where someone needs correlating. The key
 * listing also gives the usernames already taken. Returns null when nobody needs correlating.
 */
async function loadCorrelationCandidates(store: IdentityStore, prepared: PreparedSnapshot, search: CandidateSearch): Promise<Set<string> | null> {
  const { digests, records, identities, rules } = search;
  const unlinked = prepared.records.filter((r) => {
    if (!r.attributes) return false;
    const linked = records.get(r.externalId)?.identityId ?? (digests.get(r.externalId)?.identityId || null);
    return !(linked && identities.has(linked));
  });
  if (unlinked.length === 0) return null;
  // the stored mail key is lower-cased, so it can only pre-select loosely: the index compares the real value
  const folds = (rule: JoinRule) => rule.caseInsensitive || rule.attribute === 'mail';
  const wanted = new Map<JoinRule, Set<string>>();
  for (const rule of rules) {
    const keys = new Set<string>();
    for (const r of unlinked) {
      const key = joinKey(r.attributes?.[rule.attribute], folds(rule));
      if (key !== null) keys.add(key);
    }
    wanted.set(rule, keys);
  }
  const keys = await store.identityKeys();
  const taken = new Set<string>();
  for (const k of keys) taken.add(k.username.toLowerCase());
  if (rules.some((rule) => !KEYED_ATTRIBUTES.has(rule.attribute))) {
    // only the candidates stay: every identity kept here would load its other sources' records too
    for (const identity of await store.listIdentities()) {
      if (identities.has(identity.id)) continue;
      const attributes = correlationAttributes(identity);
      if (rules.some((rule) => wanted.get(rule)!.has(joinKey(attributes[rule.attribute], folds(rule)) ?? ''))) identities.set(identity.id, identity);
    }
    return taken;
  }
  const candidates: string[] = [];
  for (const k of keys) {
    if (identities.has(k.id)) continue;
    const stored: Record<string, string | null> = { employeeId: k.employeeId, mail: k.mailLower };
    if (rules.some((rule) => wanted.get(rule)!.has(joinKey(stored[rule.attribute], folds(rule)) ?? ''))) candidates.push(k.id);
  }
  for (const identity of await fetchIdentities(store, candidates)) identities.set(identity.id, identity);
  return taken;
}

/** The attributes the store's key listing carries. */
const KEYED_ATTRIBUTES = new Set(['employeeId', 'mail']);

async function loadOtherRecords(store: IdentityStore, source: string, identities: Map<string, Identity>): Promise<Map<string, SourceRecord>> {
  const bySource = new Map<string, string[]>();
  for (const identity of identities.values()) {
    for (const link of identity.links) {
      if (link.source === source) continue;
      const list = bySource.get(link.source) ?? [];
      list.push(link.externalId);
      bySource.set(link.source, list);
    }
  }
  const out = new Map<string, SourceRecord>();
  for (const [other, ids] of bySource) {
    for (let i = 0; i < ids.length; i += FETCH_CHUNK) {
      for (const r of await store.getSourceRecords(other, ids.slice(i, i + FETCH_CHUNK))) out.set(recordKey(other, r.externalId), r);
    }
  }
  return out;
}

/**
 * Most attributes of an identity come from the same record by the same rule; one shared object for
 * them instead of one per attribute keeps loaded identities well inside the memory budget.
 */
function shareProvenance(identity: Identity): void {
  const provenance = identity.provenance;
  let previous: Identity['provenance'][string] | null = null;
  for (const key of Object.keys(provenance)) {
    const p = provenance[key];
    if (previous && p.source === previous.source && p.externalId === previous.externalId && p.rule === previous.rule) provenance[key] = previous;
    else previous = p;
  }
}

/** The identity's own employee id wins over the attribute, which a lower-ranked source may lack. */
export function correlationAttributes(identity: Identity): Identity['attributes'] {
  const attributes = identity.attributes;
  return attributes.employeeId === identity.employeeId ? attributes : { ...attributes, employeeId: identity.employeeId };
}
