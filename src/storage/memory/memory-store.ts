// In-process store for unit tests and single-run tools. It is the reference semantics the SQLite and
// MongoDB backends must match (the conformance suite runs against all three).
import { chainAudit, GENESIS_HASH } from '../../domain/audit-chain';
import type {
  AuditRecord,
  Dispute,
  Group,
  Identity,
  Intent,
  SourceRecord,
  SyncRun,
  TargetAccount,
} from '../../domain/types';
import {
  AuditHeadError,
  RevisionConflictError,
  UniqueViolationError,
  type ChangeEvent,
  type ChangeSet,
  type CommitResult,
  type IdentityKey,
  type IdentityKeys,
  type IdentityStore,
  type IdentityUpdate,
  type IntentQuery,
  type RunQuery,
  type SequenceName,
  type SourceRecordDigest,
  type SourceRecordLookupKey,
  SOURCE_RECORD_LOOKUP_KEYS,
  sourceRecordLookup,
} from '../../ports/identity-store';
import { dateTransitionDue } from '../../domain/lifecycle';
import { normalizeAuditDraft } from '../audit-draft';
import { ChangeNotifier } from '../change-notifier';
import { updateWithRetry } from '../cas';
import type { AccessException, ReviewCampaign, ReviewItem } from '../../domain/reviews/types';
import type { ReviewItemQuery } from '../../ports/reviews';
import { allCampaigns, applyReviewChanges, campaignNamed, copyReviewTables, emptyReviewTables, exceptionsOf, itemsMatching, type ReviewTables } from './review-tables';

const clone = <T>(v: T): T => structuredClone(v);
const lower = (s: string | null | undefined): string => (s ?? '').toLowerCase();
/** An empty or missing mail identifies nobody, so it must never match another empty mail. */
const sameMail = (a: string | null | undefined, b: string | null | undefined): boolean => !!a && !!b && lower(a) === lower(b);
const srKey = (source: string, externalId: string): string => `${source}\u0000${externalId}`;

interface Tables {
  identities: Map<string, Identity>;
  sourceRecords: Map<string, SourceRecord>;
  groups: Map<string, Group>;
  intents: Map<string, Intent>;
  disputes: Map<string, Dispute>;
  runs: Map<string, SyncRun>;
  targetAccounts: Map<string, TargetAccount>;
  audit: AuditRecord[];
  changes: ChangeEvent[];
  sequences: Map<SequenceName, number>;
  head: { seq: number; hash: string };
  reviews: ReviewTables;
}

export class MemoryStore implements IdentityStore {
  readonly kind = 'memory';
  private t: Tables = {
    identities: new Map(),
    sourceRecords: new Map(),
    groups: new Map(),
    intents: new Map(),
    disputes: new Map(),
    runs: new Map(),
    targetAccounts: new Map(),
    audit: [],
    changes: [],
    sequences: new Map(),
    head: { seq: 0, hash: GENESIS_HASH },
    reviews: emptyReviewTables(),
  };
  private notifier = new ChangeNotifier();
  private cursors = new Map<string, number>();

  async getIdentity(key: IdentityKey): Promise<Identity | null> {
    const found = [...this.t.identities.values()].find((i) => matchesKey(i, key));
    return found ? clone(found) : null;
  }

  async findIdentitiesByMail(mail: string): Promise<Identity[]> {
    return [...this.t.identities.values()].filter((i) => sameMail(i.attributes.mail, mail)).map(clone);
  }

  async listIdentities(): Promise<Identity[]> {
    return [...this.t.identities.values()].map(clone);
  }

  async getIdentities(ids: string[]): Promise<Identity[]> {
    return ids.flatMap((id) => {
      const i = this.t.identities.get(id);
      return i ? [clone(i)] : [];
    });
  }

  async updateIdentity(
    id: string,
    updater: (current: Identity) => IdentityUpdate | null,
    maxAttempts = 5,
  ): Promise<Identity | null> {
    return updateWithRetry(this, id, updater, maxAttempts);
  }

  async reserveSequence(name: SequenceName, count: number, floor: number): Promise<number> {
    const next = Math.max(this.t.sequences.get(name) ?? floor, floor);
    this.t.sequences.set(name, next + count);
    return next;
  }

  async commit(changes: ChangeSet): Promise<CommitResult> {
    // Work on a copy and swap it in only when every check passed: all or nothing.
    const draft = cloneTables(this.t);
    const revisions = applyIdentities(draft, changes);
    for (const r of changes.sourceRecords ?? []) draft.sourceRecords.set(srKey(r.source, r.externalId), clone(r));
    // removals first, then whole-row writes: a rename (remove old name, write new one) in one commit
    for (const name of changes.groupRemovals ?? []) draft.groups.delete(name);
    for (const g of changes.groupWrites ?? []) draft.groups.set(g.name, clone(g));
    const rewritten = [...(changes.groupRemovals ?? []), ...(changes.groupWrites ?? []).map((g) => g.name)];
    const newGroups = (changes.groups ?? []).filter((g) => !draft.groups.has(g.name));
    for (const g of newGroups) draft.groups.set(g.name, clone(g));
    for (const i of changes.intents ?? []) draft.intents.set(i.id, clone(i));
    for (const d of changes.disputes ?? []) draft.disputes.set(d.id, clone(d));
    for (const r of changes.runs ?? []) draft.runs.set(r.id, clone(r));
    for (const a of changes.targetAccounts ?? []) draft.targetAccounts.set(`${a.target}\u0000${a.identityId}`, clone(a));
    applyReviewChanges(draft.reviews, changes);
    const lastSeq = draft.audit.at(-1)?.seq ?? 0;
    if (changes.audit?.length && draft.head.seq !== lastSeq) throw new AuditHeadError(draft.head.seq, lastSeq);
    const audit = (changes.audit ?? []).map((d) => {
      const rec = chainAudit(draft.head.seq ? draft.head : null, normalizeAuditDraft(d));
      draft.audit.push(rec);
      draft.head = { seq: rec.seq, hash: rec.hash };
      return rec;
    });
    const event = changeEventOf(draft, Object.keys(revisions), [...new Set([...rewritten, ...newGroups.map((g) => g.name)])]);
    this.t = draft;
    if (event) this.notifier.emit(event);
    return { revisions, changeSeq: event?.seq ?? null, audit: clone(audit) };
  }

  async listSourceRecords(source: string): Promise<SourceRecord[]> {
    return [...this.t.sourceRecords.values()].filter((r) => r.source === source).map(clone);
  }

  async getSourceRecord(source: string, externalId: string): Promise<SourceRecord | null> {
    const r = this.t.sourceRecords.get(srKey(source, externalId));
    return r ? clone(r) : null;
  }

  async sourceRecordsOf(identityId: string): Promise<SourceRecord[]> {
    return [...this.t.sourceRecords.values()].filter((r) => r.identityId === identityId).map(clone);
  }

  async getSourceRecords(source: string, externalIds: string[]): Promise<SourceRecord[]> {
    return [...new Set(externalIds)].flatMap((id) => {
      const r = this.t.sourceRecords.get(srKey(source, id));
      return r ? [clone(r)] : [];
    });
  }

  /** a scan: the memory store serves tests and small setups, where an index would only add state to keep right */
  async findSourceRecords(source: string, key: SourceRecordLookupKey, value: string): Promise<SourceRecord[]> {
    if (!SOURCE_RECORD_LOOKUP_KEYS.includes(key)) throw new Error(`findSourceRecords: "${String(key)}" is not an indexed record attribute`);
    const wanted = value.toLowerCase();
    return [...this.t.sourceRecords.values()]
      .filter((r) => r.source === source && sourceRecordLookup(r.attributes)[key] === wanted)
      .map(clone);
  }

  async sourceRecordHashes(source: string): Promise<SourceRecordDigest[]> {
    const out: SourceRecordDigest[] = [];
    for (const r of this.t.sourceRecords.values()) {
      if (r.source === source) out.push({ externalId: r.externalId, hash: r.hash, identityId: r.identityId, gone: r.gone });
    }
    return out;
  }

  async identityKeys(): Promise<IdentityKeys[]> {
    return [...this.t.identities.values()].map((i) => ({
      id: i.id,
      username: i.username,
      employeeId: i.employeeId,
      mailLower: i.attributes.mail ? lower(i.attributes.mail) : null,
    }));
  }

  async identitiesWithDateTransitionsDue(today: string): Promise<Identity[]> {
    return [...this.t.identities.values()].filter((i) => dateTransitionDue(i.state, i.attributes, today)).map(clone);
  }

  async listGroups(): Promise<Group[]> {
    return [...this.t.groups.values()].map(clone);
  }

  async getGroup(name: string): Promise<Group | null> {
    const g = this.t.groups.get(name);
    return g ? clone(g) : null;
  }

  async listIntents(q: IntentQuery): Promise<Intent[]> {
    const rows = [...this.t.intents.values()]
      .filter((i) => !q.status || q.status.includes(i.status))
      .filter((i) => !q.target || i.target === q.target)
      .filter((i) => !q.identityId || i.identityId === q.identityId)
      .filter((i) => !q.updatedBefore || i.updatedAt < q.updatedBefore)
      .sort((a, b) => a.priority - b.priority || a.createdAt.localeCompare(b.createdAt));
    return rows.slice(0, q.limit ?? rows.length).map(clone);
  }

  async getIntent(id: string): Promise<Intent | null> {
    const i = this.t.intents.get(id);
    return i ? clone(i) : null;
  }

  async getTargetAccount(target: string, identityId: string): Promise<TargetAccount | null> {
    const a = this.t.targetAccounts.get(`${target}\u0000${identityId}`);
    return a ? clone(a) : null;
  }

  async listTargetAccounts(target: string): Promise<TargetAccount[]> {
    return [...this.t.targetAccounts.values()].filter((a) => a.target === target).map(clone);
  }

  async getRun(id: string): Promise<SyncRun | null> {
    const r = this.t.runs.get(id);
    return r ? clone(r) : null;
  }

  async listRuns(q: RunQuery): Promise<SyncRun[]> {
    const rows = [...this.t.runs.values()]
      .filter((r) => !q.source || r.source === q.source)
      .filter((r) => !q.status || q.status.includes(r.status))
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.id.localeCompare(a.id));
    return rows.slice(0, q.limit ?? rows.length).map(clone);
  }

  async listDisputes(openOnly: boolean): Promise<Dispute[]> {
    return [...this.t.disputes.values()].filter((d) => !openOnly || !d.resolvedAt).map(clone);
  }

  async getReviewCampaign(name: string): Promise<ReviewCampaign | null> {
    return campaignNamed(this.t.reviews, name);
  }

  async listReviewCampaigns(): Promise<ReviewCampaign[]> {
    return allCampaigns(this.t.reviews);
  }

  async getReviewItem(id: string): Promise<ReviewItem | null> {
    const i = this.t.reviews.items.get(id);
    return i ? clone(i) : null;
  }

  async listReviewItems(query: ReviewItemQuery): Promise<ReviewItem[]> {
    return itemsMatching(this.t.reviews, query);
  }

  async listAccessExceptions(identityIds?: string[]): Promise<AccessException[]> {
    return exceptionsOf(this.t.reviews, identityIds);
  }

  async readAudit(fromSeq: number, limit: number): Promise<AuditRecord[]> {
    return this.t.audit.filter((r) => r.seq >= fromSeq).slice(0, limit).map(clone);
  }

  async auditOfSubject(subjectId: string): Promise<AuditRecord[]> {
    return this.t.audit.filter((r) => r.subject.id === subjectId).map(clone);
  }

  async auditHead(): Promise<{ seq: number; hash: string }> {
    return { ...this.t.head };
  }

  async repairAuditHead(): Promise<{ before: { seq: number; hash: string } | null; after: { seq: number; hash: string } }> {
    const before = this.t.head.seq ? { ...this.t.head } : null;
    const last = this.t.audit.at(-1);
    this.t.head = last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: GENESIS_HASH };
    return { before, after: { ...this.t.head } };
  }

  async exportCursor(sink: string): Promise<number> {
    return this.cursors.get(sink) ?? 0;
  }

  async saveExportCursor(sink: string, seq: number): Promise<void> {
    this.cursors.set(sink, seq);
  }

  async latestChangeSeq(): Promise<number> {
    return this.t.changes.at(-1)?.seq ?? 0;
  }

  async changesSince(seq: number, limit = 1000): Promise<ChangeEvent[]> {
    return this.t.changes.filter((c) => c.seq > seq).slice(0, limit).map(clone);
  }

  onChange(listener: (event: ChangeEvent) => void): () => void {
    return this.notifier.subscribe(listener);
  }

  async close(): Promise<void> {
    this.notifier.clear();
  }

  /** test hook: the raw audit array, so tamper tests can edit it like an attacker would */
  get rawAudit(): AuditRecord[] {
    return this.t.audit;
  }

  /** test hook: overwrite the head marker as an attacker with write access could */
  set rawHead(head: { seq: number; hash: string }) {
    this.t.head = head;
  }
}

function matchesKey(i: Identity, key: IdentityKey): boolean {
  switch (key.by) {
    case 'id':
      return i.id === key.value;
    case 'username':
      return lower(i.username) === lower(key.value);
    case 'employeeId':
      return i.employeeId === key.value;
    case 'mail':
      return sameMail(i.attributes.mail, key.value);
    case 'uidNumber':
      return i.uidNumber === key.value;
  }
}

function cloneTables(t: Tables): Tables {
  // Maps are copied shallowly: rows are replaced, never mutated in place, so sharing them is safe.
  return {
    identities: new Map(t.identities),
    sourceRecords: new Map(t.sourceRecords),
    groups: new Map(t.groups),
    intents: new Map(t.intents),
    disputes: new Map(t.disputes),
    runs: new Map(t.runs),
    targetAccounts: new Map(t.targetAccounts),
    audit: [...t.audit],
    changes: [...t.changes],
    sequences: new Map(t.sequences),
    head: { ...t.head },
    reviews: copyReviewTables(t.reviews),
  };
}

function applyIdentities(draft: Tables, changes: ChangeSet): Record<string, number> {
  const revisions: Record<string, number> = {};
  for (const w of changes.identities ?? []) {
    const existing = draft.identities.get(w.identity.id);
    const storedRevision = existing ? existing.revision : null;
    if (storedRevision !== w.expectedRevision) throw new RevisionConflictError(w.identity.id, w.expectedRevision);
    const next = { ...clone(w.identity), revision: (w.expectedRevision ?? 0) + 1 };
    assertUnique(draft, next);
    draft.identities.set(next.id, next);
    revisions[next.id] = next.revision;
  }
  return revisions;
}

function assertUnique(draft: Tables, next: Identity): void {
  for (const other of draft.identities.values()) {
    if (other.id === next.id) continue;
    if (lower(other.username) === lower(next.username)) throw new UniqueViolationError('username', next.username);
    if (other.uidNumber === next.uidNumber) throw new UniqueViolationError('uidNumber', String(next.uidNumber));
    if (next.employeeId && other.employeeId === next.employeeId) {
      throw new UniqueViolationError('employeeId', next.employeeId);
    }
  }
}

function changeEventOf(draft: Tables, identityIds: string[], groupNames: string[]): ChangeEvent | null {
  if (identityIds.length === 0 && groupNames.length === 0) return null;
  const event = { seq: (draft.changes.at(-1)?.seq ?? 0) + 1, identityIds, groupNames, at: new Date().toISOString() };
  draft.changes.push(event);
  return event;
}
