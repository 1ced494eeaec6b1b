// An immutable directory snapshot: search (index plan, then three-valued evaluation of the candidates
// in stable id order), entry lookup, bind subjects and the subschema entry.
import type { Group, Identity } from '../../domain/types';
import { SEARCH_CHECKPOINT, type AssertionOutcome, type AttributeSelection, type BindSubject, type DirectorySnapshot, type DirFilter, type EncodedSearch, type LdapEntry, type PersonStanding, type SearchCheckpoint, type SearchQuery, type SlicedSearch } from '../contract';
import { evaluateAssertion, renderedEntryContext } from '../filter/assertion';
import { matcherOf, TRUE, type EvalContext } from '../filter/evaluate';
import { normalizeDN } from '../schema/dn';
import { subschemaEntry } from '../schema/subschema';
import { containsSorted } from './cow-map';
import { ancestorGroups, descendantGroups } from './group-graph';
import { planCandidates } from './plan';
import { BASE_ID, GROUPS_OU_ID, PEOPLE_OU_ID, personId, SERVICES_OU_ID, type GroupRec, type Rec, type ViewOptions } from './records';
import { applyIdentityChanges, buildState, type ViewState } from './state';
import { attributeNamesOf, encodeRecordBody, renderEntry, valuesOf } from './values';
import { EncodedEntryCache } from './encoded-cache';
import { envelopeSize, frameEntry } from '../ber/entry-writer';
import { normalizeValue, prepCaseExact, prepCaseIgnore } from '../schema/matching';
import { attributeType } from '../schema/attributes';

export type { ViewOptions } from './records';

export function buildSnapshot(identities: Identity[], groups: Group[], opts: ViewOptions, version = 1): DirectorySnapshot {
  return new Snapshot(buildState(identities, groups, opts), version);
}

export class Snapshot implements DirectorySnapshot {
  readonly baseDN: string;
  /** what this snapshot's searches encoded, for the next search with the same attribute list */
  private readonly encoded = new EncodedEntryCache();
  private readonly resolved = new Map<readonly number[], (Rec | undefined)[]>();

  constructor(
    readonly state: ViewState,
    readonly version: number,
  ) {
    this.baseDN = state.o.baseDN;
  }

  get entryCount(): number {
    return this.state.recs.size;
  }

  /** A new snapshot with these identities changed or removed; this one stays as it is. */
  withIdentityChanges(changed: Identity[], removedIds: string[] = [], version = this.version + 1): Snapshot {
    return new Snapshot(applyIdentityChanges(this.state, changed, removedIds), version);
  }

  search(query: SearchQuery): Iterable<LdapEntry> | null {
    const recs = this.matchingRecords(query);
    if (recs === null) return null;
    const s = this.state;
    return (function* (): Generator<LdapEntry> {
      for (const rec of recs) yield renderEntry(s, rec);
    })();
  }

  searchEncoded(query: SearchQuery, selection: AttributeSelection): EncodedSearch<Rec> | null {
    const entries = this.matchingRecords(query);
    return entries === null ? null : this.encoders(entries, selection);
  }

  searchSliced(query: SearchQuery, selection: AttributeSelection, checkpointEvery: number): SlicedSearch<Rec> | null {
    const entries = this.matchingRecords(query, checkpointEvery);
    return entries === null ? null : this.encoders(entries, selection);
  }

  private encoders<T>(entries: T, selection: AttributeSelection): { entries: T; encode: (rec: Rec, messageId: number) => Buffer; body: (rec: Rec) => Buffer } {
    const s = this.state;
    const cache = this.encoded;
    // The subschema record (id -1) is made afresh per search: keyed by object, it would never hit.
    const body = (rec: Rec): Buffer =>
      rec.id < 0 ? encodeRecordBody(s, rec, selection) : cache.body(rec, selection, (alloc) => encodeRecordBody(s, rec, selection, alloc));
    const encode = (rec: Rec, messageId: number): Buffer => {
      const b = body(rec);
      const out = Buffer.allocUnsafe(envelopeSize(messageId, b.length) + b.length);
      frameEntry(out, 0, messageId, b);
      return out;
    };
    return { entries, encode, body };
  }

  /** The records a search returns, in search order; null when the base does not exist. */
  private matchingRecords(query: SearchQuery): Iterable<Rec> | null;
  private matchingRecords(query: SearchQuery, checkpointEvery: number): Iterable<Rec | SearchCheckpoint> | null;
  private matchingRecords(query: SearchQuery, checkpointEvery = Infinity): Iterable<Rec | SearchCheckpoint> | null {
    const nbase = normalizeBase(query.base);
    if (nbase === null) return null;
    const s = this.state;
    if (nbase === 'cn=subschema') {
      const matches = matcherOf(query.filter, evalContext(s));
      const rec: Rec = { kind: 'static', id: -1, name: 'Subschema', dn: 'cn=Subschema', ndn: nbase, parent: '', entry: subschemaEntry() };
      return query.scope === 'one' || matches(rec) !== TRUE ? [] : [rec];
    }
    const baseId = s.byDn.get(nbase);
    if (baseId === undefined) return null;
    const direct = directLookup(s, query.filter);
    if (direct !== undefined) {
      // (uid=x) and friends: one index probe and one check, none of the planning below.
      const rec = direct === null ? undefined : s.recs.get(direct.id);
      return rec && inScope(rec, nbase, query.scope) && direct!.check(rec) ? [rec] : [];
    }
    const ctx = evalContext(s);
    const matches = matcherOf(query.filter, ctx);
    const planned = planCandidates(s, query.filter, ctx);
    const universe = scopeSegments(s, baseId, query.scope);
    const universeSize = universe.reduce((n, seg) => n + seg.length, 0);
    // Whichever list is shorter is walked; both are sorted by id, so the order is the same either way.
    const usePlan = planned !== null && planned.length < universeSize;
    const segments = usePlan ? [planned] : universe;
    return new ScanIterator(s, segments, (segment) => this.resolvedRecs(segment), usePlan ? { nbase, scope: query.scope } : null, matches, checkpointEvery);
  }

  /**
   * Records of the people, groups or services list, by position, filled in as scans read them and
   * kept for the snapshot's life: later listings walk an array instead of probing the record map per
   * entry. Undefined for other lists (index candidates, built per search).
   */
  private resolvedRecs(segment: readonly number[]): (Rec | undefined)[] | undefined {
    const s = this.state;
    if (segment !== s.people && segment !== s.groups && segment !== s.services) return undefined;
    let recs = this.resolved.get(segment);
    if (!recs) {
      recs = new Array<Rec | undefined>(segment.length);
      this.resolved.set(segment, recs);
    }
    return recs;
  }

  entry(dn: string): LdapEntry | undefined {
    const ndn = normalizeDN(dn);
    if (ndn === null) return undefined;
    if (ndn === 'cn=subschema') return subschemaEntry();
    const id = this.state.byDn.get(ndn);
    const rec = id === undefined ? undefined : this.state.recs.get(id);
    return rec ? renderEntry(this.state, rec) : undefined;
  }

  compare(dn: string, attributeDesc: string, value: string): AssertionOutcome {
    const ndn = normalizeDN(dn);
    if (ndn === null) return 'invalidDNSyntax';
    if (ndn === 'cn=subschema') return evaluateAssertion(renderedEntryContext, subschemaEntry(), attributeDesc, value);
    const id = this.state.byDn.get(ndn);
    const rec = id === undefined ? undefined : this.state.recs.get(id);
    // Straight on the record: a member assertion on a 10,000-member group is one index probe.
    return rec ? evaluateAssertion(evalContext(this.state), rec, attributeDesc, value) : 'noSuchObject';
  }

  bindSubject(dn: string): BindSubject | undefined {
    const ndn = normalizeDN(dn);
    const id = ndn ? this.state.byDn.get(ndn) : undefined;
    const rec = id === undefined ? undefined : this.state.recs.get(id);
    if (rec?.kind === 'service') return { kind: 'service', name: rec.name, dn: rec.dn };
    if (rec?.kind !== 'person') return undefined;
    return {
      kind: 'person',
      identityId: rec.identityId,
      username: rec.username,
      state: rec.state,
      dn: rec.dn,
      groups: rec.groupIds.map((g) => (this.state.recs.get(g) as GroupRec).name),
    };
  }

  personStanding(username: string): PersonStanding | undefined {
    const s = this.state;
    const id = s.uid.get(prepCaseIgnore(username));
    const rec = id === undefined ? undefined : s.recs.get(id);
    if (rec?.kind !== 'person') return undefined;
    const reports = rec.employeeId ? (s.reports.get(prepCaseIgnore(rec.employeeId)) ?? []) : [];
    return {
      identityId: rec.identityId,
      username: rec.username,
      displayName: rec.cn,
      state: rec.state,
      dn: rec.dn,
      groups: [...ancestorGroups(s, rec.id)].map((g) => (s.recs.get(g) as GroupRec).name).sort(),
      managesActivePeople: reports.some((r) => r !== rec.id && (s.recs.get(r) as { state?: string } | undefined)?.state === 'active'),
    };
  }

  subschema(): LdapEntry {
    return subschemaEntry();
  }
}

const SCAN_DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * The candidates of a scan, filtered, with a SEARCH_CHECKPOINT before every `checkpointEvery`-th
 * candidate examined. A hand-written iterator rather than a generator: resuming a generator per
 * candidate was the largest single cost of a 10,000-entry listing.
 */
class ScanIterator implements IterableIterator<Rec | SearchCheckpoint> {
  private segment = 0;
  private at = 0;
  private examined = 0;
  /** a checkpoint was just returned for the candidate at `at`: it is examined without counting again */
  private counted = false;
  private recs: (Rec | undefined)[] | undefined;

  constructor(
    private readonly s: ViewState,
    private readonly segments: readonly (readonly number[])[],
    private readonly resolve: (segment: readonly number[]) => (Rec | undefined)[] | undefined,
    /** set when the candidates come from an index plan and may lie outside the scope */
    private readonly scopeCheck: { nbase: string; scope: SearchQuery['scope'] } | null,
    private readonly matches: (rec: Rec) => number,
    private readonly checkpointEvery: number,
  ) {
    this.recs = segments.length > 0 ? resolve(segments[0]) : undefined;
  }

  [Symbol.iterator](): this {
    return this;
  }

  next(): IteratorResult<Rec | SearchCheckpoint> {
    for (;;) {
      const ids = this.segments[this.segment];
      if (ids === undefined) return SCAN_DONE;
      if (this.at >= ids.length) {
        this.segment++;
        this.at = 0;
        const nextIds = this.segments[this.segment];
        this.recs = nextIds === undefined ? undefined : this.resolve(nextIds);
        continue;
      }
      if (!this.counted && ++this.examined >= this.checkpointEvery) {
        this.examined = 0;
        this.counted = true;
        return { done: false, value: SEARCH_CHECKPOINT };
      }
      this.counted = false;
      const i = this.at++;
      const recs = this.recs;
      let rec = recs ? recs[i] : undefined;
      if (rec === undefined) {
        rec = this.s.recs.get(ids[i]);
        if (recs) recs[i] = rec;
      }
      if (!rec) continue;
      if (this.scopeCheck && !inScope(rec, this.scopeCheck.nbase, this.scopeCheck.scope)) continue;
      if (this.matches(rec) === TRUE) return { done: false, value: rec };
    }
  }
}

/** Every id in the scope, in search order, as consecutive segments (no 100,000-id copies per search). */
function scopeSegments(s: ViewState, baseId: number, scope: SearchQuery['scope']): (readonly number[])[] {
  if (scope === 'base') return [[baseId]];
  const children = childrenOf(s, baseId);
  if (scope === 'one') return [children];
  if (baseId === BASE_ID) return [[BASE_ID, PEOPLE_OU_ID, GROUPS_OU_ID, SERVICES_OU_ID], s.people, s.groups, s.services];
  return [[baseId], children];
}

function childrenOf(s: ViewState, id: number): readonly number[] {
  switch (id) {
    case BASE_ID: return [PEOPLE_OU_ID, GROUPS_OU_ID, SERVICES_OU_ID];
    case PEOPLE_OU_ID: return s.people;
    case GROUPS_OU_ID: return s.groups;
    case SERVICES_OU_ID: return s.services;
    default: return [];
  }
}

function inScope(rec: Rec, nbase: string, scope: SearchQuery['scope']): boolean {
  if (scope === 'base') return rec.ndn === nbase;
  if (scope === 'one') return rec.parent === nbase;
  return rec.ndn === nbase || rec.ndn.endsWith(`,${nbase}`);
}

/** The evaluator's view of records, with index shortcuts for the big DN-valued attributes. */
export function evalContext(s: ViewState): EvalContext<Rec> {
  const closures = new Map<string, Set<number>>();
  const ndnOf = (id: number): string => s.recs.get(id)?.ndn ?? '';
  return {
    values: (rec, attr) => valuesOf(s, rec, attr),
    dn: (rec) => rec.dn,
    attributeNames: (rec) => attributeNamesOf(rec).filter((n) => !attributeType(n)?.operational),
    dnValues: (rec, attr) => {
      if (attr === 'entrydn') return [rec.ndn];
      if (rec.kind === 'person' && attr === 'memberof') return rec.groupIds.map(ndnOf);
      if (rec.kind === 'group' && attr === 'memberof') return rec.parentIds.map(ndnOf);
      if (rec.kind === 'person' && attr === 'manager') {
        const dn = valuesOf(s, rec, 'manager')?.[0];
        return dn ? [normalizeDN(dn) ?? ''] : [];
      }
      return undefined;
    },
    eqShortcut: (rec, attr, norm) => {
      if (rec.kind === 'group' && attr === 'member') {
        const id = s.byDn.get(norm);
        return id !== undefined && (containsSorted(rec.memberIds, id) || containsSorted(rec.nestedIds, id));
      }
      if (rec.kind === 'group' && attr === 'memberuid') {
        const id = s.uid.get(prepCaseIgnore(norm));
        const person = id === undefined ? undefined : s.recs.get(id);
        return person?.kind === 'person' && prepCaseExact(person.username) === norm && containsSorted(rec.memberIds, person.id);
      }
      if (rec.kind === 'person' && attr === 'memberof') {
        const id = s.byDn.get(norm);
        return id !== undefined && containsSorted(rec.groupIds, id);
      }
      return undefined;
    },
    present: (rec, attr) => {
      // A big group's member list is rendered only when someone reads it.
      if (rec.kind === 'group' && attr === 'member') return rec.memberIds.length + rec.nestedIds.length > 0;
      if (rec.kind === 'group' && attr === 'memberuid') return rec.memberIds.length > 0;
      return undefined;
    },
    inChain: (rec, attr, targetNdn) => {
      const targetId = s.byDn.get(targetNdn);
      if (targetId === undefined) return false;
      if (attr === 'memberof') {
        const within = cached(closures, `d:${targetNdn}`, () => descendantGroups(s, targetId));
        const direct = rec.kind === 'person' ? rec.groupIds : rec.kind === 'group' ? rec.parentIds : [];
        return direct.some((g) => within.has(g));
      }
      if (attr === 'member') {
        if (rec.kind !== 'group') return false;
        return cached(closures, `a:${targetNdn}`, () => ancestorGroups(s, targetId)).has(rec.id);
      }
      return undefined;
    },
  };
}

function cached<T>(m: Map<string, T>, key: string, make: () => T): T {
  let v = m.get(key);
  if (v === undefined) {
    v = make();
    m.set(key, v);
  }
  return v;
}

const baseCache = new Map<string, string | null>();

/** normalizeDN of a search base, memoised: clients send the same few bases on every search. */
function normalizeBase(base: string): string | null {
  let n = baseCache.get(base);
  if (n === undefined) {
    n = normalizeDN(base);
    if (baseCache.size >= 1024) baseCache.clear();
    baseCache.set(base, n);
  }
  return n;
}

/**
 * Equality on a unique index (uid, sAMAccountName, uidNumber): the one candidate and the test that
 * confirms it, or null when nothing can match; undefined when the filter is anything else.
 * The test is the same equality the evaluator applies (uid is caseIgnore, uidNumber integer).
 */
function directLookup(s: ViewState, f: DirFilter): { id: number; check: (rec: Rec) => boolean } | null | undefined {
  if (f.type !== 'eq') return undefined;
  if (f.attr === 'uid' || f.attr === 'samaccountname') {
    const v = prepCaseIgnore(f.value);
    const id = s.uid.get(v);
    if (id === undefined) return null;
    return { id, check: (rec) => rec.kind === 'person' && prepCaseIgnore(rec.username) === v };
  }
  if (f.attr === 'uidnumber') {
    const n = normalizeValue(attributeType('uidNumber')!, f.value);
    if (n === null) return undefined; // invalid integer: Undefined, left to the evaluator
    return { id: personId(Number(n)), check: (rec) => rec.kind === 'person' && String(rec.uidNumber) === n };
  }
  return undefined;
}
