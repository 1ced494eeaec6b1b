// The outbox commit for MongoDB: every document of a ChangeSet inside one transaction. The caller
// runs applyChangeSet under session.withTransaction, which retries the whole function on a
// TransientTransactionError (e.g. a write conflict on the audit head); any other error aborts it all.
import type mongoose from 'mongoose';
import { chainAudit, GENESIS_HASH } from '../../domain/audit-chain';
import type { AuditRecord, Identity, SourceRecord } from '../../domain/types';
import {
  AuditHeadError,
  RevisionConflictError,
  UniqueViolationError,
  sourceRecordLookup,
  type ChangeEvent,
  type ChangeSet,
  type IdentityWrite,
} from '../../ports/identity-store';
import { normalizeAuditDraft } from '../audit-draft';
import { pairId, UNIQUE_IDENTITY_INDEXES } from './collections';
import { applyReviewChanges } from './reviews';

type Db = mongoose.mongo.Db;
type Session = mongoose.mongo.ClientSession;
/** documents are plain domain objects plus a string (or, for audit and changes, numeric) _id */
type AnyDoc = { _id: string | number; [key: string]: unknown };
/** the head documents in `meta` (see collections.ts) */
type MetaDoc = { _id: string; seq: number; hash?: string | null; writes?: number };

export interface AppliedChanges {
  revisions: Record<string, number>;
  event: ChangeEvent | null;
  audit: AuditRecord[];
}

export async function applyChangeSet(db: Db, session: Session, changes: ChangeSet): Promise<AppliedChanges> {
  const revisions = await writeIdentities(db, session, changes.identities ?? []);
  const col = (name: string) => db.collection<AnyDoc>(name);
  await replaceAll(col('sourceRecords'), session, (changes.sourceRecords ?? []).map(sourceRecordDoc));
  const rewritten = await rewriteGroups(col('groups'), session, changes);
  const newGroups = [...rewritten, ...(await insertAbsentGroups(db, session, changes))];
  await replaceAll(col('intents'), session, (changes.intents ?? []).map((i) => ({ _id: i.id, ...i })));
  await replaceAll(col('disputes'), session, (changes.disputes ?? []).map((d) => ({ _id: d.id, ...d })));
  await replaceAll(col('syncRuns'), session, (changes.runs ?? []).map((r) => ({ _id: r.id, ...r })));
  await replaceAll(
    col('targetAccounts'),
    session,
    (changes.targetAccounts ?? []).map((a) => ({ _id: pairId(a.target, a.identityId), ...a })),
  );
  await applyReviewChanges(db, session, changes);
  const audit = await appendAudit(db, session, changes);
  const event = await recordChange(db, session, Object.keys(revisions), newGroups);
  return { revisions, event, audit };
}

const sourceRecordDoc = (r: SourceRecord) => ({ _id: pairId(r.source, r.externalId), ...r, lookup: sourceRecordLookup(r.attributes) });

const identityDoc = (i: Identity) => ({
  _id: i.id,
  ...i,
  usernameLower: i.username.toLowerCase(),
  mailLower: i.attributes.mail ? i.attributes.mail.toLowerCase() : null,
});

async function writeIdentities(db: Db, session: Session, writes: IdentityWrite[]): Promise<Record<string, number>> {
  const revisions: Record<string, number> = {};
  if (writes.length === 0) return revisions;
  const next = writes.map((w) => ({ ...w.identity, revision: (w.expectedRevision ?? 0) + 1 }));
  const ops = writes.map((w, k) =>
    w.expectedRevision === null
      ? { insertOne: { document: identityDoc(next[k]) } }
      : { replaceOne: { filter: { _id: w.identity.id, revision: w.expectedRevision }, replacement: identityDoc(next[k]) } },
  );
  const identities = db.collection<AnyDoc>('identities');
  const result = await identities
    .bulkWrite(ops as never, { session, ordered: true })
    .catch((err) => rethrowAsDomainError(err, writes, next));
  const updates = writes.filter((w) => w.expectedRevision !== null);
  if (result.matchedCount < updates.length) await throwFirstStale(db, session, updates);
  next.forEach((i) => (revisions[i.id] = i.revision));
  return revisions;
}

/** A replace that matched nothing lost the race (or the identity is gone): name which one. */
async function throwFirstStale(db: Db, session: Session, updates: IdentityWrite[]): Promise<never> {
  const identities = db.collection<AnyDoc>('identities');
  for (const w of updates) {
    const stored = await identities.findOne({ _id: w.identity.id }, { session, projection: { revision: 1 } });
    if (stored?.revision !== (w.expectedRevision as number) + 1) throw new RevisionConflictError(w.identity.id, w.expectedRevision);
  }
  throw new RevisionConflictError(updates[0].identity.id, updates[0].expectedRevision);
}

/**
 * E11000 on `_id` means the identity already exists (an insert that expected none: a lost race);
 * on a unique index it is the port's UniqueViolationError. Anything else (including transient
 * errors withTransaction must see to retry) passes through untouched.
 */
function rethrowAsDomainError(err: unknown, writes: IdentityWrite[], next: Identity[]): never {
  const dup = duplicateKeyOf(err);
  if (!dup) throw err;
  const identity = next[dup.index] ?? next[0];
  if (dup.indexName === '_id_') throw new RevisionConflictError(identity.id, writes[dup.index]?.expectedRevision ?? null);
  const field = UNIQUE_IDENTITY_INDEXES[dup.indexName];
  if (!field) throw err;
  throw new UniqueViolationError(field, field === 'uidNumber' ? String(identity.uidNumber) : String(identity[field]));
}

type WriteErrorLike = { index?: number; code?: number; errmsg?: string };

/** The first E11000 of a bulk write (writeErrors is one error or an array) or of a plain command. */
function duplicateKeyOf(err: unknown): { index: number; indexName: string } | null {
  const e = err as WriteErrorLike & { writeErrors?: WriteErrorLike | WriteErrorLike[]; message?: string };
  const writeErrors = e.writeErrors === undefined ? [] : Array.isArray(e.writeErrors) ? e.writeErrors : [e.writeErrors];
  const first: WriteErrorLike | undefined = writeErrors[0] ?? (e.code === 11000 ? { index: 0, code: 11000, errmsg: e.errmsg ?? e.message } : undefined);
  if (!first || first.code !== 11000) return null;
  const indexName = /index: (\S+)/.exec(first.errmsg ?? '')?.[1] ?? '';
  return { index: first.index ?? 0, indexName };
}

async function replaceAll(collection: mongoose.mongo.Collection<AnyDoc>, session: Session, docs: AnyDoc[]): Promise<void> {
  if (docs.length === 0) return;
  const ops = docs.map((doc) => ({ replaceOne: { filter: { _id: doc._id }, replacement: doc, upsert: true } }));
  await collection.bulkWrite(ops as never, { session, ordered: true });
}

/** Removals first, then whole-row writes, so a rename (remove old name, write new one) lands in one commit. */
async function rewriteGroups(collection: mongoose.mongo.Collection<AnyDoc>, session: Session, changes: ChangeSet): Promise<string[]> {
  const removals = changes.groupRemovals ?? [];
  if (removals.length) await collection.deleteMany({ _id: { $in: removals } }, { session });
  const writes = changes.groupWrites ?? [];
  await replaceAll(collection, session, writes.map((g) => ({ _id: g.name, ...g })));
  return [...new Set([...removals, ...writes.map((g) => g.name)])];
}

async function insertAbsentGroups(db: Db, session: Session, changes: ChangeSet): Promise<string[]> {
  const groups = changes.groups ?? [];
  if (groups.length === 0) return [];
  const ops = groups.map((g) => ({ updateOne: { filter: { _id: g.name }, update: { $setOnInsert: g }, upsert: true } }));
  const result = await db.collection<AnyDoc>('groups').bulkWrite(ops as never, { session, ordered: true });
  return Object.keys(result.upsertedIds).map((k) => groups[Number(k)].name);
}

async function appendAudit(db: Db, session: Session, changes: ChangeSet): Promise<AuditRecord[]> {
  const drafts = changes.audit ?? [];
  if (drafts.length === 0) return [];
  const meta = db.collection<MetaDoc>('meta');
  // Writing the head first makes a concurrent committer conflict here, before any record is inserted.
  const stored = await meta.findOneAndUpdate({ _id: 'auditHead' }, { $inc: { writes: 1 } }, { session, upsert: true, returnDocument: 'before' });
  let head = stored && typeof stored.seq === 'number' && stored.seq > 0 ? { seq: stored.seq, hash: stored.hash as string } : { seq: 0, hash: GENESIS_HASH };
  const last = await db.collection<AnyDoc>('audit').findOne({}, { session, sort: { _id: -1 }, projection: { _id: 1 } });
  const lastSeq = last ? Number(last._id) : 0;
  if (lastSeq !== head.seq) throw new AuditHeadError(stored && typeof stored.seq === 'number' && stored.hash ? head.seq : null, lastSeq);
  const records = drafts.map((draft) => {
    const rec = chainAudit(head.seq ? head : null, normalizeAuditDraft(draft));
    head = { seq: rec.seq, hash: rec.hash };
    return rec;
  });
  await db.collection<AnyDoc>('audit').insertMany(records.map((r) => ({ _id: r.seq, ...r })), { session, ordered: true });
  await meta.updateOne({ _id: 'auditHead' }, { $set: { seq: head.seq, hash: head.hash } }, { session });
  return records;
}

async function recordChange(db: Db, session: Session, identityIds: string[], groupNames: string[]): Promise<ChangeEvent | null> {
  if (identityIds.length === 0 && groupNames.length === 0) return null;
  const counter = await db
    .collection<MetaDoc>('meta')
    .findOneAndUpdate({ _id: 'changeSeq' }, { $inc: { seq: 1 } }, { session, upsert: true, returnDocument: 'after' });
  const event: ChangeEvent = { seq: counter?.seq as number, identityIds, groupNames, at: new Date().toISOString() };
  await db.collection<AnyDoc>('changes').insertOne({ _id: event.seq, ...event }, { session });
  return event;
}
