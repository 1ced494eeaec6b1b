// The outbox commit for SQLite: every row of a ChangeSet in one BEGIN IMMEDIATE transaction.
// A thrown error rolls all of it back (better-sqlite3's transaction wrapper), so a conflict or a
// uniqueness violation leaves no source record, intent, audit record, run or change entry behind.
import type Database from 'better-sqlite3';
import { chainAuditWithJson, GENESIS_HASH } from '../../domain/audit-chain';
import type { AuditRecord, Identity } from '../../domain/types';
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
import { auditRowWithJson, identityToJson, mailKey } from './rows';
import { applyReviewChanges, prepareReviewStatements, type ReviewStatements } from './reviews';

type Stmt = Database.Statement;

export interface CommitStatements {
  insertIdentity: Stmt;
  updateIdentity: Stmt;
  upsertSourceRecord: Stmt;
  insertGroup: Stmt;
  upsertGroup: Stmt;
  deleteGroup: Stmt;
  upsertIntent: Stmt;
  upsertDispute: Stmt;
  upsertRun: Stmt;
  upsertTargetAccount: Stmt;
  insertAudit: Stmt;
  readHead: Stmt;
  lastAudit: Stmt;
  writeHead: Stmt;
  lastChangeSeq: Stmt;
  insertChange: Stmt;
  reviews: ReviewStatements;
}

export function prepareCommitStatements(db: Database.Database): CommitStatements {
  const identityCols = '(id, revision, username, usernameLower, uidNumber, employeeId, mailLower, data, state, startDate, endDate)';
  return {
    insertIdentity: db.prepare(
      `INSERT INTO identities ${identityCols}
       VALUES (@id, @revision, @username, @usernameLower, @uidNumber, @employeeId, @mailLower, @data, @state, @startDate, @endDate)
       ON CONFLICT(id) DO NOTHING`,
    ),
    updateIdentity: db.prepare(
      `UPDATE identities SET revision = @revision, username = @username, usernameLower = @usernameLower,
         uidNumber = @uidNumber, employeeId = @employeeId, mailLower = @mailLower, data = @data,
         state = @state, startDate = @startDate, endDate = @endDate
       WHERE id = @id AND revision = @expected`,
    ),
    upsertSourceRecord: db.prepare(
      `INSERT INTO sourceRecords (source, externalId, identityId, data, hash, gone, loginLower, scimExternalIdLower)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(source, externalId) DO UPDATE SET identityId = excluded.identityId, data = excluded.data,
         hash = excluded.hash, gone = excluded.gone, loginLower = excluded.loginLower,
         scimExternalIdLower = excluded.scimExternalIdLower`,
    ),
    insertGroup: db.prepare('INSERT INTO groups (name, data) VALUES (?, ?) ON CONFLICT(name) DO NOTHING'),
    upsertGroup: db.prepare('INSERT INTO groups (name, data) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET data = excluded.data'),
    deleteGroup: db.prepare('DELETE FROM groups WHERE name = ?'),
    upsertIntent: db.prepare(
      `INSERT INTO intents (id, target, identityId, status, priority, createdAt, updatedAt, data)
       VALUES (@id, @target, @identityId, @status, @priority, @createdAt, @updatedAt, @data)
       ON CONFLICT(id) DO UPDATE SET target = excluded.target, identityId = excluded.identityId,
         status = excluded.status, priority = excluded.priority, createdAt = excluded.createdAt,
         updatedAt = excluded.updatedAt, data = excluded.data`,
    ),
    upsertDispute: db.prepare(
      `INSERT INTO disputes (id, resolvedAt, data) VALUES (?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET resolvedAt = excluded.resolvedAt, data = excluded.data`,
    ),
    upsertRun: db.prepare(
      `INSERT INTO syncRuns (id, source, status, startedAt, data) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET source = excluded.source, status = excluded.status,
         startedAt = excluded.startedAt, data = excluded.data`,
    ),
    upsertTargetAccount: db.prepare(
      `INSERT INTO targetAccounts (target, identityId, data) VALUES (?, ?, ?)
       ON CONFLICT(target, identityId) DO UPDATE SET data = excluded.data`,
    ),
    insertAudit: db.prepare(
      `INSERT INTO audit (seq, prevHash, hash, time, actor, action, subjectId, subject, before, after, correlationId)
       VALUES (@seq, @prevHash, @hash, @time, @actor, @action, @subjectId, @subject, @before, @after, @correlationId)`,
    ),
    readHead: db.prepare("SELECT value FROM meta WHERE key = 'auditHead'").pluck(),
    lastAudit: db.prepare('SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1'),
    writeHead: db.prepare(
      "INSERT INTO meta (key, value) VALUES ('auditHead', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    ),
    lastChangeSeq: db.prepare('SELECT COALESCE(MAX(seq), 0) FROM changes').pluck(),
    insertChange: db.prepare('INSERT INTO changes (seq, identityIds, groupNames, at) VALUES (?, ?, ?, ?)'),
    reviews: prepareReviewStatements(db),
  };
}

export interface AppliedChanges {
  revisions: Record<string, number>;
  event: ChangeEvent | null;
  audit: AuditRecord[];
}

/** Runs inside the transaction; throws to roll everything back. */
export function applyChangeSet(st: CommitStatements, changes: ChangeSet): AppliedChanges {
  const revisions: Record<string, number> = {};
  for (const w of changes.identities ?? []) revisions[w.identity.id] = writeIdentity(st, w);
  for (const r of changes.sourceRecords ?? []) {
    const lookup = sourceRecordLookup(r.attributes);
    st.upsertSourceRecord.run(r.source, r.externalId, r.identityId, JSON.stringify(r), r.hash, r.gone ? 1 : 0, lookup.login ?? null, lookup.scimExternalId ?? null);
  }
  const rewritten = rewriteGroups(st, changes);
  const newGroups = [...rewritten, ...(changes.groups ?? []).filter((g) => st.insertGroup.run(g.name, JSON.stringify(g)).changes === 1).map((g) => g.name)];
  for (const i of changes.intents ?? []) st.upsertIntent.run({ ...i, data: JSON.stringify(i) });
  for (const d of changes.disputes ?? []) st.upsertDispute.run(d.id, d.resolvedAt, JSON.stringify(d));
  for (const r of changes.runs ?? []) st.upsertRun.run(r.id, r.source, r.status, r.startedAt, JSON.stringify(r));
  for (const a of changes.targetAccounts ?? []) st.upsertTargetAccount.run(a.target, a.identityId, JSON.stringify(a));
  applyReviewChanges(st.reviews, changes);
  const audit = appendAudit(st, changes);
  const event = recordChange(st, Object.keys(revisions), newGroups);
  return { revisions, event, audit };
}

/** Removals first, then whole-row writes, so a rename (remove old name, write new one) lands in one commit. */
function rewriteGroups(st: CommitStatements, changes: ChangeSet): string[] {
  const removals = changes.groupRemovals ?? [];
  for (const name of removals) st.deleteGroup.run(name);
  const writes = changes.groupWrites ?? [];
  for (const g of writes) st.upsertGroup.run(g.name, JSON.stringify(g));
  return [...new Set([...removals, ...writes.map((g) => g.name)])];
}

function writeIdentity(st: CommitStatements, w: IdentityWrite): number {
  const revision = (w.expectedRevision ?? 0) + 1;
  const next: Identity = { ...w.identity, revision };
  const params = {
    id: next.id,
    revision,
    username: next.username,
    usernameLower: next.username.toLowerCase(),
    uidNumber: next.uidNumber,
    employeeId: next.employeeId || null,
    mailLower: mailKey(next.attributes.mail),
    data: identityToJson(next),
    state: next.state,
    startDate: next.attributes.startDate ?? null,
    endDate: next.attributes.endDate ?? null,
  };
  const written = withUniqueErrors(next, () =>
    w.expectedRevision === null
      ? st.insertIdentity.run(params).changes
      : st.updateIdentity.run({ ...params, expected: w.expectedRevision }).changes,
  );
  if (written !== 1) throw new RevisionConflictError(next.id, w.expectedRevision);
  return revision;
}

const UNIQUE_COLUMNS: Record<string, (i: Identity) => [string, string]> = {
  'identities.usernameLower': (i) => ['username', i.username],
  'identities.uidNumber': (i) => ['uidNumber', String(i.uidNumber)],
  'identities.employeeId': (i) => ['employeeId', String(i.employeeId)],
};

/** Turns SQLite's "UNIQUE constraint failed: identities.x" into the port's domain error. */
function withUniqueErrors<T>(identity: Identity, write: () => T): T {
  try {
    return write();
  } catch (err) {
    const code = (err as { code?: string }).code;
    const column = /UNIQUE constraint failed: (\S+)/.exec((err as Error).message ?? '')?.[1];
    const describe = column ? UNIQUE_COLUMNS[column] : undefined;
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' && describe) throw new UniqueViolationError(...describe(identity));
    throw err;
  }
}

function appendAudit(st: CommitStatements, changes: ChangeSet): AuditRecord[] {
  const drafts = changes.audit ?? [];
  if (drafts.length === 0) return [];
  const stored = st.readHead.get() as string | undefined;
  let head: { seq: number; hash: string } = stored ? JSON.parse(stored) : { seq: 0, hash: GENESIS_HASH };
  // one primary-key lookup per commit: a deleted or stale marker is named, not a UNIQUE error
  const last = st.lastAudit.get() as { seq: number } | undefined;
  if ((last?.seq ?? 0) !== head.seq) throw new AuditHeadError(stored ? head.seq : null, last?.seq ?? 0);
  const records = drafts.map((draft) => {
    const { record: rec, json } = chainAuditWithJson(head.seq ? head : null, normalizeAuditDraft(draft));
    st.insertAudit.run(auditRowWithJson(rec, json));
    head = { seq: rec.seq, hash: rec.hash };
    return rec;
  });
  st.writeHead.run(JSON.stringify(head));
  return records;
}

function recordChange(st: CommitStatements, identityIds: string[], groupNames: string[]): ChangeEvent | null {
  if (identityIds.length === 0 && groupNames.length === 0) return null;
  const seq = (st.lastChangeSeq.get() as number) + 1;
  const event = { seq, identityIds, groupNames, at: new Date().toISOString() };
  st.insertChange.run(seq, JSON.stringify(identityIds), JSON.stringify(groupNames), event.at);
  return event;
}
