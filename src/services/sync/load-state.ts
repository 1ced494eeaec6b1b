import { CorrelationIndex } from '../../domain/correlation';
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
  /** over the loaded identities, which include every possible candidate of every record to correlate */
  index: LazyIndex;
  /** every username ever assigned, lower-cased: never handed out again (loaded when someone is new) */
  takenUsernames: () => Set<string>;
}

/** The correlation index over the run's identities, built only when a record needs correlating. */
export class LazyIndex {
  private built: CorrelationIndex | null = null;

  constructor(private readonly identities: Map<string, Identity>) {}

  get(): CorrelationIndex {
    if (!this.built) {
      this.built = new CorrelationIndex();
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
  /** yyyy-mm-dd of the run, for date-driven transitions */
  today: string;
  /** external ids absence may terminate (complete full export) or a delta source removed */
  absenceCandidates: 'full' | string[] | null;
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
  const taken = await loadCorrelationCandidates(store, prepared, digests, records, identities);
  const [groups, disputes] = await Promise.all([store.listGroups(), store.listDisputes(true)]);
  const byId = identities;
  const state: RunState = {
    digests,
    records,
    identities: byId,
    otherRecords: await loadOtherRecords(store, source, byId),
    groups: new Set(groups.map((g) => g.name)),
    groupRows: groups,
    membership: new GroupMembership(groups),
    openDisputes: new Map(disputes.filter((d) => d.source === source).map((d) => [d.externalId, d])),
    index: new LazyIndex(byId),
    takenUsernames: () => {
      // loaded whenever a record needs correlating, the only way to a new identity
      if (!taken) throw new Error('internal: a new username was asked for, but the taken usernames were not loaded');
      return taken;
    },
  };
  return { state, prepared };
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

/**
 * Records that must be correlated (new, or stored without a live link) can join any identity with
 * the same employee id or mail. Those candidates are found in the light key listing and loaded, so
 * the in-memory index over the loaded identities answers exactly as an index over all would. The
 * same listing gives the usernames already taken. Returns null when nobody needs correlating.
 */
async function loadCorrelationCandidates(
  store: IdentityStore,
  prepared: PreparedSnapshot,
  digests: Map<string, SourceRecordDigest>,
  records: Map<string, SourceRecord>,
  identities: Map<string, Identity>,
): Promise<Set<string> | null> {
  const employeeIds = new Set<string>();
  const mails = new Set<string>();
  let needed = false;
  for (const r of prepared.records) {
    if (!r.attributes) continue;
    const linked = records.get(r.externalId)?.identityId ?? (digests.get(r.externalId)?.identityId || null);
    if (linked && identities.has(linked)) continue;
    needed = true;
    if (r.attributes.employeeId) employeeIds.add(r.attributes.employeeId);
    if (r.attributes.mail) mails.add(r.attributes.mail.toLowerCase());
  }
  if (!needed) return null;
  const keys = await store.identityKeys();
  const taken = new Set<string>();
  const candidates: string[] = [];
  for (const k of keys) {
    taken.add(k.username.toLowerCase());
    if (identities.has(k.id)) continue;
    if ((k.employeeId && employeeIds.has(k.employeeId)) || (k.mailLower && mails.has(k.mailLower))) candidates.push(k.id);
  }
  for (const identity of await fetchIdentities(store, candidates)) identities.set(identity.id, identity);
  return taken;
}

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
  return { employeeId: identity.employeeId, mail: identity.attributes.mail ?? null };
}
