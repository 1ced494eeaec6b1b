// The embedded store: one better-sqlite3 connection per instance. Several instances (or processes)
// may open the same file; they coordinate through SQLite's own locking: writes take the lock up
// front (BEGIN IMMEDIATE) and wait up to busy_timeout for it, reads run on WAL snapshots.
import Database from 'better-sqlite3';
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
import { GENESIS_HASH } from '../../domain/audit-chain';
import { updateWithRetry } from '../cas';
import { ChangeNotifier } from '../change-notifier';
import { idsyncLower, LATE_INDEXES_SQL, migrationSql, SCHEMA_SQL, SCHEMA_VERSION } from './schema';
import { applyChangeSet, prepareCommitStatements, type CommitStatements } from './sqlite-commit';
import { REVIEW_SCHEMA_SQL, SqliteReviewReader } from './reviews';
import type { AccessException, ReviewCampaign, ReviewItem } from '../../domain/reviews/types';
import type { ReviewItemQuery } from '../../ports/reviews';
import { auditFromRow, changeFromRow, identitiesFromJson, identityFromJson, mailKey, parseAll, type AuditRow, type ChangeRow } from './rows';

export interface SqliteStoreOptions {
  /** how long a writer waits for another connection's write lock before failing (ms) */
  busyTimeoutMs?: number;
}

export class SqliteStore implements IdentityStore {
  readonly kind = 'sqlite';
  private readonly db: Database.Database;
  private readonly commitStatements: CommitStatements;
  private readonly q: ReturnType<typeof prepareQueries>;
  private readonly notifier = new ChangeNotifier();
  private readonly dynamic = new Map<string, Database.Statement>();
  private readonly commitTx: (changes: ChangeSet) => ReturnType<typeof applyChangeSet>;
  private readonly reserveTx: (name: SequenceName, count: number, floor: number) => number;
  private readonly reviews: SqliteReviewReader;

  constructor(readonly path: string, opts: SqliteStoreOptions = {}) {
    this.db = new Database(path);
    configure(this.db, opts.busyTimeoutMs ?? 5000);
    this.commitStatements = prepareCommitStatements(this.db);
    this.q = prepareQueries(this.db);
    this.reviews = new SqliteReviewReader(this.db);
    const commit = this.db.transaction((changes: ChangeSet) => applyChangeSet(this.commitStatements, changes));
    this.commitTx = (changes) => commit.immediate(changes);
    const reserve = this.db.transaction((name: SequenceName, count: number, floor: number) => {
      const stored = this.q.readSequence.get(name) as number | undefined;
      const next = Math.max(stored ?? floor, floor);
      this.q.writeSequence.run(name, next + count);
      return next;
    });
    this.reserveTx = (name, count, floor) => reserve.immediate(name, count, floor);
  }

  async getIdentity(key: IdentityKey): Promise<Identity | null> {
    const text = this.identityDataBy(key);
    return text ? identityFromJson(text) : null;
  }

  private identityDataBy(key: IdentityKey): string | undefined {
    switch (key.by) {
      case 'id':
        return this.q.identityById.get(key.value) as string | undefined;
      case 'username':
        return this.q.identityByUsername.get(key.value.toLowerCase()) as string | undefined;
      case 'employeeId':
        return key.value ? (this.q.identityByEmployeeId.get(key.value) as string | undefined) : undefined;
      case 'mail': {
        const mail = mailKey(key.value);
        return mail ? (this.q.identitiesByMail.get(mail) as string | undefined) : undefined;
      }
      case 'uidNumber':
        return this.q.identityByUid.get(key.value) as string | undefined;
    }
  }

  async findIdentitiesByMail(mail: string): Promise<Identity[]> {
    const key = mailKey(mail);
    return key ? identitiesFromJson(this.q.identitiesByMail.all(key)) : [];
  }

  async listIdentities(): Promise<Identity[]> {
    return identitiesFromJson(this.q.allIdentities.all());
  }

  async getIdentities(ids: string[]): Promise<Identity[]> {
    if (ids.length === 0) return [];
    const found = new Map(identitiesFromJson(this.q.identitiesByIds.all(JSON.stringify(ids))).map((i) => [i.id, i]));
    // each parsed row is handed out once; only an id asked for twice gets a copy
    const handedOut = new Set<string>();
    return ids.flatMap((id) => {
      const i = found.get(id);
      if (!i) return [];
      if (handedOut.has(id)) return [structuredClone(i)];
      handedOut.add(id);
      return [i];
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
    if (!Number.isInteger(count) || count < 1) throw new Error(`reserveSequence(${name}): count must be a positive integer, got ${count}`);
    return this.reserveTx(name, count, floor);
  }

  async commit(changes: ChangeSet): Promise<CommitResult> {
    const applied = this.commitTx(changes);
    // Listeners hear about a change only once it is durable, never about a rolled-back one.
    if (applied.event) this.notifier.emit(applied.event);
    return { revisions: applied.revisions, changeSeq: applied.event?.seq ?? null, audit: applied.audit };
  }

  async listSourceRecords(source: string): Promise<SourceRecord[]> {
    return parseAll<SourceRecord>(this.q.sourceRecordsOfSource.all(source));
  }

  async getSourceRecord(source: string, externalId: string): Promise<SourceRecord | null> {
    const text = this.q.sourceRecord.get(source, externalId) as string | undefined;
    return text ? JSON.parse(text) : null;
  }

  async sourceRecordsOf(identityId: string): Promise<SourceRecord[]> {
    return parseAll<SourceRecord>(this.q.sourceRecordsOfIdentity.all(identityId));
  }

  async getSourceRecords(source: string, externalIds: string[]): Promise<SourceRecord[]> {
    if (externalIds.length === 0) return [];
    return parseAll<SourceRecord>(this.q.sourceRecordsByIds.all(source, JSON.stringify(externalIds)));
  }

  async findSourceRecords(source: string, key: SourceRecordLookupKey, value: string): Promise<SourceRecord[]> {
    const query = this.q.sourceRecordsByLookup[key];
    if (!query) throw new Error(`findSourceRecords: "${String(key)}" is not an indexed record attribute`);
    return parseAll<SourceRecord>(query.all(source, value.toLowerCase()));
  }

  async sourceRecordHashes(source: string): Promise<SourceRecordDigest[]> {
    // row by row: 100,000 raw rows never exist at once next to the digests made from them
    const out: SourceRecordDigest[] = [];
    for (const row of this.q.sourceRecordDigests.iterate(source)) {
      const [externalId, hash, identityId, gone] = row as [string, string, string | null, number];
      out.push({ externalId, hash, identityId, gone: gone === 1 });
    }
    return out;
  }

  async identityKeys(): Promise<IdentityKeys[]> {
    return this.q.identityKeys.all() as IdentityKeys[];
  }

  async identitiesWithDateTransitionsDue(today: string): Promise<Identity[]> {
    return identitiesFromJson(this.q.identitiesDue.all({ today }));
  }

  async listGroups(): Promise<Group[]> {
    return parseAll<Group>(this.q.allGroups.all());
  }

  async getGroup(name: string): Promise<Group | null> {
    const text = this.q.group.get(name) as string | undefined;
    return text ? JSON.parse(text) : null;
  }

  async listIntents(query: IntentQuery): Promise<Intent[]> {
    const { sql, params } = intentQuerySql(query);
    return parseAll<Intent>(this.statement(sql).all(...params));
  }

  async getIntent(id: string): Promise<Intent | null> {
    const text = this.q.intent.get(id) as string | undefined;
    return text ? JSON.parse(text) : null;
  }

  async getTargetAccount(target: string, identityId: string): Promise<TargetAccount | null> {
    const text = this.q.targetAccount.get(target, identityId) as string | undefined;
    return text ? JSON.parse(text) : null;
  }

  async listTargetAccounts(target: string): Promise<TargetAccount[]> {
    return parseAll<TargetAccount>(this.q.targetAccountsOf.all(target));
  }

  async getRun(id: string): Promise<SyncRun | null> {
    const text = this.q.run.get(id) as string | undefined;
    return text ? JSON.parse(text) : null;
  }

  async listRuns(query: RunQuery): Promise<SyncRun[]> {
    const { sql, params } = runQuerySql(query);
    return parseAll<SyncRun>(this.statement(sql).all(...params));
  }

  async listDisputes(openOnly: boolean): Promise<Dispute[]> {
    return parseAll<Dispute>((openOnly ? this.q.openDisputes : this.q.allDisputes).all());
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
    return (this.q.auditFrom.all(fromSeq, limit) as AuditRow[]).map(auditFromRow);
  }

  async auditOfSubject(subjectId: string): Promise<AuditRecord[]> {
    return (this.q.auditOfSubject.all(subjectId) as AuditRow[]).map(auditFromRow);
  }

  async auditHead(): Promise<{ seq: number; hash: string }> {
    const text = this.commitStatements.readHead.get() as string | undefined;
    return text ? JSON.parse(text) : { seq: 0, hash: GENESIS_HASH };
  }

  async repairAuditHead(): Promise<{ before: { seq: number; hash: string } | null; after: { seq: number; hash: string } }> {
    const repair = this.db.transaction(() => {
      const text = this.commitStatements.readHead.get() as string | undefined;
      const last = this.commitStatements.lastAudit.get() as { seq: number; hash: string } | undefined;
      const after = last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: GENESIS_HASH };
      this.commitStatements.writeHead.run(JSON.stringify(after));
      const before = text ? (JSON.parse(text) as { seq: number; hash: string }) : null;
      return { before: before?.seq ? before : null, after };
    });
    return repair.immediate();
  }

  async exportCursor(sink: string): Promise<number> {
    const text = this.q.readMeta.get(`exportCursor:${sink}`) as string | undefined;
    return text ? Number(JSON.parse(text)) : 0;
  }

  async saveExportCursor(sink: string, seq: number): Promise<void> {
    this.q.writeMeta.run(`exportCursor:${sink}`, JSON.stringify(seq));
  }

  async latestChangeSeq(): Promise<number> {
    return this.commitStatements.lastChangeSeq.get() as number;
  }

  async changesSince(seq: number, limit = 1000): Promise<ChangeEvent[]> {
    return (this.q.changesSince.all(seq, limit) as ChangeRow[]).map(changeFromRow);
  }

  onChange(listener: (event: ChangeEvent) => void): () => void {
    return this.notifier.subscribe(listener);
  }

  async close(): Promise<void> {
    this.notifier.clear();
    if (!this.db.open) return;
    // keeps the planner's statistics fresh for the next start; cheap when nothing changed
    this.db.pragma('optimize');
    this.db.close();
  }

  /** Filters vary per call; each distinct SQL text is prepared once and reused. */
  private statement(sql: string): Database.Statement {
    let st = this.dynamic.get(sql);
    if (!st) {
      st = this.db.prepare(sql).pluck();
      this.dynamic.set(sql, st);
    }
    return st;
  }
}

function configure(db: Database.Database, busyTimeoutMs: number): void {
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
  db.pragma('journal_mode = WAL');
  // WAL + NORMAL: a commit survives a process crash; only an OS crash can lose the last commits.
  db.pragma('synchronous = NORMAL');
  db.pragma('cache_size = -65536');
  // a checkpoint syncs the database file; every 32 MB of WAL instead of every 4 MB (the default)
  // keeps a 100,000-person first sync from waiting on a hundred fsyncs
  db.pragma('wal_autocheckpoint = 8192');
  db.pragma('temp_store = MEMORY');
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new Error(`${db.name} was written by a newer idsync (schema ${version}, this one knows ${SCHEMA_VERSION})`);
  }
  db.function('idsync_lower', { deterministic: true }, idsyncLower);
  db.exec(SCHEMA_SQL);
  db.exec(REVIEW_SCHEMA_SQL);
  if (version < SCHEMA_VERSION) {
    // BEGIN IMMEDIATE: two processes opening an old file at once migrate it once, one after the other
    const columns = (table: string) => (db.pragma(`table_info(${table})`) as Array<{ name: string }>).map((c) => c.name);
    db.transaction(() => {
      const sql = migrationSql(columns);
      if (sql) db.exec(sql);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    }).immediate();
  }
  db.exec(LATE_INDEXES_SQL);
}

function prepareQueries(db: Database.Database) {
  const data = (sql: string) => db.prepare(sql).pluck();
  return {
    identityById: data('SELECT data FROM identities WHERE id = ?'),
    identityByUsername: data('SELECT data FROM identities WHERE usernameLower = ?'),
    identityByEmployeeId: data('SELECT data FROM identities WHERE employeeId = ?'),
    identityByUid: data('SELECT data FROM identities WHERE uidNumber = ?'),
    identitiesByMail: data('SELECT data FROM identities WHERE mailLower = ? ORDER BY rowid'),
    identitiesByIds: data('SELECT data FROM identities WHERE id IN (SELECT value FROM json_each(?))'),
    allIdentities: data('SELECT data FROM identities ORDER BY rowid'),
    sourceRecord: data('SELECT data FROM sourceRecords WHERE source = ? AND externalId = ?'),
    sourceRecordsOfSource: data('SELECT data FROM sourceRecords WHERE source = ? ORDER BY rowid'),
    sourceRecordsOfIdentity: data('SELECT data FROM sourceRecords WHERE identityId = ? ORDER BY rowid'),
    sourceRecordsByIds: data('SELECT data FROM sourceRecords WHERE source = ? AND externalId IN (SELECT value FROM json_each(?))'),
    sourceRecordsByLookup: {
      login: data('SELECT data FROM sourceRecords WHERE source = ? AND loginLower = ? ORDER BY rowid'),
      scimExternalId: data('SELECT data FROM sourceRecords WHERE source = ? AND scimExternalIdLower = ? ORDER BY rowid'),
    } as Record<SourceRecordLookupKey, Database.Statement>,
    sourceRecordDigests: db.prepare('SELECT externalId, hash, identityId, gone FROM sourceRecords WHERE source = ?').raw(),
    identityKeys: db.prepare('SELECT id, username, employeeId, mailLower FROM identities ORDER BY rowid'),
    identitiesDue: data(
      `SELECT data FROM identities WHERE (state IN ('prehire', 'active', 'suspended') AND endDate > '' AND endDate < @today)
         OR (state = 'prehire' AND (startDate IS NULL OR startDate = '' OR startDate <= @today)) ORDER BY rowid`,
    ),
    allGroups: data('SELECT data FROM groups ORDER BY rowid'),
    group: data('SELECT data FROM groups WHERE name = ?'),
    intent: data('SELECT data FROM intents WHERE id = ?'),
    targetAccount: data('SELECT data FROM targetAccounts WHERE target = ? AND identityId = ?'),
    targetAccountsOf: data('SELECT data FROM targetAccounts WHERE target = ? ORDER BY rowid'),
    run: data('SELECT data FROM syncRuns WHERE id = ?'),
    openDisputes: data('SELECT data FROM disputes WHERE resolvedAt IS NULL ORDER BY rowid'),
    allDisputes: data('SELECT data FROM disputes ORDER BY rowid'),
    auditFrom: db.prepare('SELECT * FROM audit WHERE seq >= ? ORDER BY seq LIMIT ?'),
    auditOfSubject: db.prepare('SELECT * FROM audit WHERE subjectId = ? ORDER BY seq'),
    readMeta: db.prepare('SELECT value FROM meta WHERE key = ?').pluck(),
    writeMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
    changesSince: db.prepare('SELECT * FROM changes WHERE seq > ? ORDER BY seq LIMIT ?'),
    readSequence: data('SELECT next FROM sequences WHERE name = ?'),
    writeSequence: db.prepare(
      'INSERT INTO sequences (name, next) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET next = excluded.next',
    ),
  };
}

/** WHERE clauses and their parameters, built up from optional filters. */
class Where {
  readonly clauses: string[] = [];
  readonly params: unknown[] = [];

  add(clause: string, ...params: unknown[]): this {
    this.clauses.push(clause);
    this.params.push(...params);
    return this;
  }

  in(column: string, values: readonly string[]): this {
    // an empty list matches nothing, as the memory store's `includes` does
    return values.length ? this.add(`${column} IN (${values.map(() => '?').join(', ')})`, ...values) : this.add('0');
  }

  sql(): string {
    return this.clauses.length ? ` WHERE ${this.clauses.join(' AND ')}` : '';
  }
}

function intentQuerySql(q: IntentQuery): { sql: string; params: unknown[] } {
  const where = new Where();
  if (q.status) where.in('status', q.status);
  if (q.target) where.add('target = ?', q.target);
  if (q.identityId) where.add('identityId = ?', q.identityId);
  if (q.updatedBefore) where.add('updatedAt < ?', q.updatedBefore);
  const limit = q.limit !== undefined ? ' LIMIT ?' : '';
  const params = q.limit !== undefined ? [...where.params, q.limit] : where.params;
  return { sql: `SELECT data FROM intents${where.sql()} ORDER BY priority, createdAt, rowid${limit}`, params };
}

function runQuerySql(q: RunQuery): { sql: string; params: unknown[] } {
  const where = new Where();
  if (q.source) where.add('source = ?', q.source);
  if (q.status) where.in('status', q.status);
  const limit = q.limit !== undefined ? ' LIMIT ?' : '';
  const params = q.limit !== undefined ? [...where.params, q.limit] : where.params;
  return { sql: `SELECT data FROM syncRuns${where.sql()} ORDER BY startedAt DESC, id DESC${limit}`, params };
}
