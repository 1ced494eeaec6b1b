// The multi-instance store: MongoDB (a replica set: transactions need one) through a private
// mongoose connection. Commits run in a transaction with w: majority and snapshot reads; reads
// outside transactions go to the primary, so an instance always sees its own acknowledged commits.
import mongoose from 'mongoose';
import { redactCredentials } from '../../util/redact';
import { GENESIS_HASH } from '../../domain/audit-chain';
import type { AuditRecord, Dispute, Group, Identity, Intent, SourceRecord, SyncRun, TargetAccount } from '../../domain/types';
import type {
  ChangeEvent,
  ChangeSet,
  CommitResult,
  IdentityKey,
  IdentityKeys,
  IdentityStore,
  IdentityUpdate,
  IntentQuery,
  RunQuery,
  SequenceName,
  SourceRecordDigest,
  SourceRecordLookupKey,
} from '../../ports/identity-store';
import { SOURCE_RECORD_LOOKUP_KEYS } from '../../ports/identity-store';
import { updateWithRetry } from '../cas';
import { ChangeNotifier } from '../change-notifier';
import { ensureSchema, ignoreDuplicate, pairId } from './collections';
import { applyChangeSet, type AppliedChanges } from './mongo-commit';
import { MongoReviewReader } from './reviews';
import type { AccessException, ReviewCampaign, ReviewItem } from '../../domain/reviews/types';
import type { ReviewItemQuery } from '../../ports/reviews';

type Db = mongoose.mongo.Db;
type Doc = { _id: string | number; [key: string]: unknown };
type Filter = mongoose.mongo.Filter<Doc>;

export interface MongoStoreOptions {
  uri: string;
  /** database name; defaults to the one in the URI, else "idsync" */
  database?: string;
  /** how long to wait for a reachable primary before giving up (ms) */
  serverSelectionTimeoutMs?: number;
}

const TRANSACTION_OPTIONS = {
  readConcern: { level: 'snapshot' as const },
  writeConcern: { w: 'majority' as const },
  readPreference: 'primary' as const,
};

/** What identity documents carry besides the Identity itself; never returned to callers. */
const IDENTITY_PROJECTION = { _id: 0, usernameLower: 0, mailLower: 0 };
const PLAIN = { _id: 0 };
/** source record documents carry their lower-cased lookup keys (collections.ts); never returned */
const RECORD_PROJECTION = { _id: 0, lookup: 0 };

export class MongoStore implements IdentityStore {
  readonly kind = 'mongodb';
  private readonly notifier = new ChangeNotifier();
  private closed = false;

  private readonly reviews: MongoReviewReader;

  private constructor(private readonly conn: mongoose.Connection, private readonly db: Db) {
    this.reviews = new MongoReviewReader(db);
  }

  static async connect(opts: MongoStoreOptions): Promise<MongoStore> {
    const conn = mongoose.createConnection(opts.uri, {
      dbName: opts.database ?? databaseInUri(opts.uri) ?? 'idsync',
      writeConcern: { w: 'majority' },
      // undefined optional fields must stay absent, not come back as null
      ignoreUndefined: true,
      // unset unless asked: the driver default (30 s) or the URI's own parameter applies
      ...(opts.serverSelectionTimeoutMs !== undefined ? { serverSelectionTimeoutMS: opts.serverSelectionTimeoutMs } : {}),
      autoIndex: false,
    });
    try {
      await conn.asPromise();
      const db = conn.db;
      if (!db) throw new Error('connected, but mongoose exposed no database handle');
      await ensureSchema(db);
      return new MongoStore(conn, db);
    } catch (err) {
      await conn.close().catch(() => undefined);
      throw new Error(`cannot open the MongoDB store (store.uri): ${redactCredentials((err as Error).message)}`);
    }
  }

  private col(name: string): mongoose.mongo.Collection<Doc> {
    return this.db.collection<Doc>(name);
  }

  private async one<T>(name: string, filter: Filter, projection: object = PLAIN): Promise<T | null> {
    return (await this.col(name).findOne(filter, { projection })) as T | null;
  }

  private async many<T>(name: string, filter: Filter, sort: Record<string, 1 | -1> = { _id: 1 }, limit = 0, projection: object = PLAIN): Promise<T[]> {
    return (await this.col(name).find(filter, { projection, sort, limit }).toArray()) as unknown as T[];
  }

  async getIdentity(key: IdentityKey): Promise<Identity | null> {
    const filter = identityFilter(key);
    return filter ? this.one<Identity>('identities', filter, IDENTITY_PROJECTION) : null;
  }

  async findIdentitiesByMail(mail: string): Promise<Identity[]> {
    if (!mail) return [];
    return this.many<Identity>('identities', { mailLower: mail.toLowerCase() }, { _id: 1 }, 0, IDENTITY_PROJECTION);
  }

  async listIdentities(): Promise<Identity[]> {
    return this.many<Identity>('identities', {}, { _id: 1 }, 0, IDENTITY_PROJECTION);
  }

  async getIdentities(ids: string[]): Promise<Identity[]> {
    if (ids.length === 0) return [];
    const found = await this.many<Identity>('identities', { _id: { $in: ids } }, { _id: 1 }, 0, IDENTITY_PROJECTION);
    const byId = new Map(found.map((i) => [i.id, i]));
    return ids.flatMap((id) => (byId.has(id) ? [structuredClone(byId.get(id)!)] : []));
  }

  async updateIdentity(id: string, updater: (current: Identity) => IdentityUpdate | null, maxAttempts = 5): Promise<Identity | null> {
    return updateWithRetry(this, id, updater, maxAttempts);
  }

  async reserveSequence(name: SequenceName, count: number, floor: number): Promise<number> {
    if (!Number.isInteger(count) || count < 1) throw new Error(`reserveSequence(${name}): count must be a positive integer, got ${count}`);
    // One atomic document update: max(stored, floor) + count. Two first-ever upserts may race on
    // the insert; the loser gets a duplicate key and simply tries again against the stored value.
    const bump = [{ $set: { next: { $add: [{ $max: [{ $ifNull: ['$next', floor] }, floor] }, count] } } }];
    for (let attempt = 1; ; attempt++) {
      try {
        const after = await this.col('counters').findOneAndUpdate({ _id: name }, bump, {
          upsert: true,
          returnDocument: 'after',
          writeConcern: { w: 'majority' },
        });
        return (after?.next as number) - count;
      } catch (err) {
        if (attempt >= 3) throw err;
        ignoreDuplicate(err as { code?: number });
      }
    }
  }

  async commit(changes: ChangeSet): Promise<CommitResult> {
    const session = await this.conn.startSession();
    let applied: AppliedChanges | null = null;
    try {
      // withTransaction re-runs the callback on TransientTransactionError (write conflicts) and
      // retries the commit on UnknownTransactionCommitResult; other errors abort and propagate.
      await session.withTransaction(async () => {
        applied = await applyChangeSet(this.db, session, changes);
      }, TRANSACTION_OPTIONS);
    } finally {
      await session.endSession();
    }
    const done = applied as AppliedChanges | null;
    if (!done) throw new Error('MongoDB transaction ended without applying the change set');
    if (done.event) this.notifier.emit(done.event);
    return { revisions: done.revisions, changeSeq: done.event?.seq ?? null, audit: done.audit };
  }

  async listSourceRecords(source: string): Promise<SourceRecord[]> {
    return this.many<SourceRecord>('sourceRecords', { source }, { _id: 1 }, 0, RECORD_PROJECTION);
  }

  async getSourceRecord(source: string, externalId: string): Promise<SourceRecord | null> {
    return this.one<SourceRecord>('sourceRecords', { _id: pairId(source, externalId) }, RECORD_PROJECTION);
  }

  async sourceRecordsOf(identityId: string): Promise<SourceRecord[]> {
    return this.many<SourceRecord>('sourceRecords', { identityId }, { _id: 1 }, 0, RECORD_PROJECTION);
  }
  async getSourceRecords(source: string, externalIds: string[]): Promise<SourceRecord[]> {
    if (externalIds.length === 0) return [];
    const ids = [...new Set(externalIds)].map((id) => pairId(source, id));
    return this.many<SourceRecord>('sourceRecords', { _id: { $in: ids } }, { _id: 1 }, 0, RECORD_PROJECTION);
  }

  async findSourceRecords(source: string, key: SourceRecordLookupKey, value: string): Promise<SourceRecord[]> {
    if (!SOURCE_RECORD_LOOKUP_KEYS.includes(key)) throw new Error(`findSourceRecords: "${String(key)}" is not an indexed record attribute`);
    return this.many<SourceRecord>('sourceRecords', { source, [`lookup.${key}`]: value.toLowerCase() }, { _id: 1 }, 0, RECORD_PROJECTION);
  }

  async sourceRecordHashes(source: string): Promise<SourceRecordDigest[]> {
    const projection = { _id: 0, externalId: 1, hash: 1, identityId: 1, gone: 1 };
    const rows = await this.many<SourceRecordDigest>('sourceRecords', { source }, { _id: 1 }, 0, projection);
    return rows.map((r) => ({ externalId: r.externalId, hash: r.hash, identityId: r.identityId ?? null, gone: !!r.gone }));
  }

  async identityKeys(): Promise<IdentityKeys[]> {
    const projection = { _id: 0, id: 1, username: 1, employeeId: 1, mailLower: 1 };
    const rows = await this.many<IdentityKeys>('identities', {}, { _id: 1 }, 0, projection);
    return rows.map((r) => ({ id: r.id, username: r.username, employeeId: r.employeeId ?? null, mailLower: r.mailLower ?? null }));
  }

  async identitiesWithDateTransitionsDue(today: string): Promise<Identity[]> {
    const filter: Filter = {
      $or: [
        { state: { $in: ['prehire', 'active', 'suspended'] }, 'attributes.endDate': { $type: 'string', $gt: '', $lt: today } },
        { state: 'prehire', $or: [{ 'attributes.startDate': { $in: [null, ''] } }, { 'attributes.startDate': { $type: 'string', $lte: today } }] },
      ],
    };
    return this.many<Identity>('identities', filter, { _id: 1 }, 0, IDENTITY_PROJECTION);
  }


  async listGroups(): Promise<Group[]> {
    return this.many<Group>('groups', {});
  }

  async getGroup(name: string): Promise<Group | null> {
    return this.one<Group>('groups', { _id: name });
  }

  async listIntents(q: IntentQuery): Promise<Intent[]> {
    const filter: Record<string, unknown> = {};
    if (q.status) filter.status = { $in: q.status };
    if (q.target) filter.target = q.target;
    if (q.identityId) filter.identityId = q.identityId;
    if (q.updatedBefore) filter.updatedAt = { $lt: q.updatedBefore };
    return this.many<Intent>('intents', filter, { priority: 1, createdAt: 1, _id: 1 }, q.limit ?? 0);
  }

  async getIntent(id: string): Promise<Intent | null> {
    return this.one<Intent>('intents', { _id: id });
  }

  async getTargetAccount(target: string, identityId: string): Promise<TargetAccount | null> {
    return this.one<TargetAccount>('targetAccounts', { _id: pairId(target, identityId) });
  }

  async listTargetAccounts(target: string): Promise<TargetAccount[]> {
    return this.many<TargetAccount>('targetAccounts', { target });
  }

  async getRun(id: string): Promise<SyncRun | null> {
    return this.one<SyncRun>('syncRuns', { _id: id });
  }

  async listRuns(q: RunQuery): Promise<SyncRun[]> {
    const filter: Record<string, unknown> = {};
    if (q.source) filter.source = q.source;
    if (q.status) filter.status = { $in: q.status };
    return this.many<SyncRun>('syncRuns', filter, { startedAt: -1, _id: -1 }, q.limit ?? 0);
  }

  async listDisputes(openOnly: boolean): Promise<Dispute[]> {
    return this.many<Dispute>('disputes', openOnly ? { resolvedAt: null } : {});
  }

  getReviewCampaign(name: string): Promise<ReviewCampaign | null> {
    return this.reviews.getReviewCampaign(name);
  }

  listReviewCampaigns(): Promise<ReviewCampaign[]> {
    return this.reviews.listReviewCampaigns();
  }

  getReviewItem(id: string): Promise<ReviewItem | null> {
    return this.reviews.getReviewItem(id);
  }

  listReviewItems(query: ReviewItemQuery): Promise<ReviewItem[]> {
    return this.reviews.listReviewItems(query);
  }

  listAccessExceptions(identityIds?: string[]): Promise<AccessException[]> {
    return this.reviews.listAccessExceptions(identityIds);
  }

  async readAudit(fromSeq: number, limit: number): Promise<AuditRecord[]> {
    if (limit <= 0) return [];
    return this.many<AuditRecord>('audit', { _id: { $gte: fromSeq } }, { _id: 1 }, limit);
  }

  async auditOfSubject(subjectId: string): Promise<AuditRecord[]> {
    return this.many<AuditRecord>('audit', { 'subject.id': subjectId });
  }

  async auditHead(): Promise<{ seq: number; hash: string }> {
    const head = await this.one<{ seq?: number; hash?: string | null }>('meta', { _id: 'auditHead' });
    return head?.seq && head.hash ? { seq: head.seq, hash: head.hash } : { seq: 0, hash: GENESIS_HASH };
  }

  async repairAuditHead(): Promise<{ before: { seq: number; hash: string } | null; after: { seq: number; hash: string } }> {
    const head = await this.one<{ seq?: number; hash?: string | null }>('meta', { _id: 'auditHead' });
    const [last] = await this.many<AuditRecord>('audit', {}, { _id: -1 }, 1);
    const after = last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: GENESIS_HASH };
    await this.col('meta').updateOne({ _id: 'auditHead' } as never, { $set: { seq: after.seq, hash: last ? after.hash : null } }, { upsert: true });
    return { before: head?.seq && head.hash ? { seq: head.seq, hash: head.hash } : null, after };
  }

  async exportCursor(sink: string): Promise<number> {
    return (await this.one<{ seq?: number }>('meta', { _id: `exportCursor:${sink}` }))?.seq ?? 0;
  }

  async saveExportCursor(sink: string, seq: number): Promise<void> {
    await this.col('meta').updateOne({ _id: `exportCursor:${sink}` } as never, { $set: { seq } }, { upsert: true });
  }

  async latestChangeSeq(): Promise<number> {
    return (await this.one<{ seq?: number }>('meta', { _id: 'changeSeq' }))?.seq ?? 0;
  }

  async changesSince(seq: number, limit = 1000): Promise<ChangeEvent[]> {
    return this.many<ChangeEvent>('changes', { _id: { $gt: seq } }, { _id: 1 }, limit);
  }

  onChange(listener: (event: ChangeEvent) => void): () => void {
    return this.notifier.subscribe(listener);
  }

  async close(): Promise<void> {
    this.notifier.clear();
    if (this.closed) return;
    this.closed = true;
    await this.conn.close();
  }
}

/** The path part of a mongodb:// or mongodb+srv:// URI (hosts may be a list, so no URL parser). */
export function databaseInUri(uri: string): string | undefined {
  const name = /^mongodb(?:\+srv)?:\/\/[^/]+\/([^?]*)/.exec(uri)?.[1];
  return name ? decodeURIComponent(name) : undefined;
}

function identityFilter(key: IdentityKey): Filter | null {
  switch (key.by) {
    case 'id':
      return { _id: key.value };
    case 'username':
      return { usernameLower: key.value.toLowerCase() };
    case 'employeeId':
      return key.value ? { employeeId: key.value } : null;
    case 'mail':
      return key.value ? { mailLower: key.value.toLowerCase() } : null;
    case 'uidNumber':
      return { uidNumber: key.value };
  }
}
