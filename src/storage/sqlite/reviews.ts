// Access-review tables of the SQLite store (schema 4): campaigns, items and exceptions, each a
// JSON `data` column plus the columns a query filters or sorts on.
//
//   reviewCampaigns  id PK, name UNIQUE, openedAt, data (JSON ReviewCampaign)
//   reviewItems      id PK, campaignId, reviewer, identityId, username, decided (0/1), data (JSON
//                    ReviewItem); indexed (campaignId, reviewer, decided) and (campaignId, identityId)
//   accessExceptions id PK, identityId (indexed), data (JSON AccessException)
import type Database from 'better-sqlite3';
import type { AccessException, ReviewCampaign, ReviewItem } from '../../domain/reviews/types';
import { UniqueViolationError } from '../../ports/identity-store';
import { ReviewDecisionConflictError, type ReviewChanges, type ReviewItemQuery } from '../../ports/reviews';
import { parseAll } from './rows';

export const REVIEW_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS reviewCampaigns (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  openedAt TEXT NOT NULL,
  data TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS reviewCampaigns_name ON reviewCampaigns(name);

CREATE TABLE IF NOT EXISTS reviewItems (
  id TEXT PRIMARY KEY,
  campaignId TEXT NOT NULL,
  reviewer TEXT NOT NULL,
  identityId TEXT NOT NULL,
  username TEXT NOT NULL,
  decided INTEGER NOT NULL,
  data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS reviewItems_reviewer ON reviewItems(campaignId, reviewer, decided);
CREATE INDEX IF NOT EXISTS reviewItems_identity ON reviewItems(campaignId, identityId);

CREATE TABLE IF NOT EXISTS accessExceptions (
  id TEXT PRIMARY KEY,
  identityId TEXT NOT NULL,
  data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS accessExceptions_identityId ON accessExceptions(identityId);
`;

type Stmt = Database.Statement;

export interface ReviewStatements {
  upsertCampaign: Stmt;
  insertItem: Stmt;
  decideItem: Stmt;
  upsertException: Stmt;
}

export function prepareReviewStatements(db: Database.Database): ReviewStatements {
  return {
    upsertCampaign: db.prepare(
      `INSERT INTO reviewCampaigns (id, name, openedAt, data) VALUES (?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET name = excluded.name, openedAt = excluded.openedAt, data = excluded.data`,
    ),
    insertItem: db.prepare(
      'INSERT INTO reviewItems (id, campaignId, reviewer, identityId, username, decided, data) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    decideItem: db.prepare('UPDATE reviewItems SET decided = 1, data = ? WHERE id = ? AND decided = 0'),
    upsertException: db.prepare(
      `INSERT INTO accessExceptions (id, identityId, data) VALUES (?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET identityId = excluded.identityId, data = excluded.data`,
    ),
  };
}

/** Runs inside the commit's transaction; a throw rolls the whole ChangeSet back. */
export function applyReviewChanges(st: ReviewStatements, changes: ReviewChanges): void {
  for (const c of changes.reviewCampaigns ?? []) {
    try {
      st.upsertCampaign.run(c.id, c.name, c.openedAt, JSON.stringify(c));
    } catch (err) {
      if (/UNIQUE constraint failed: reviewCampaigns\.name/.test((err as Error).message)) throw new UniqueViolationError('campaign', c.name);
      throw err;
    }
  }
  for (const i of changes.reviewItems ?? []) {
    st.insertItem.run(i.id, i.campaignId, i.reviewer, i.identityId, i.username, i.decision ? 1 : 0, JSON.stringify(i));
  }
  for (const i of changes.reviewDecisions ?? []) {
    if (st.decideItem.run(JSON.stringify(i), i.id).changes !== 1) throw new ReviewDecisionConflictError(i.id);
  }
  for (const x of changes.accessExceptions ?? []) st.upsertException.run(x.id, x.identityId, JSON.stringify(x));
}

/** The review reads of SqliteStore. */
export class SqliteReviewReader {
  private readonly q;
  private readonly dynamic = new Map<string, Stmt>();

  constructor(private readonly db: Database.Database) {
    const data = (sql: string) => db.prepare(sql).pluck();
    this.q = {
      campaignByName: data('SELECT data FROM reviewCampaigns WHERE name = ?'),
      campaigns: data('SELECT data FROM reviewCampaigns ORDER BY openedAt, name'),
      item: data('SELECT data FROM reviewItems WHERE id = ?'),
      exceptions: data('SELECT data FROM accessExceptions ORDER BY rowid'),
      exceptionsOf: data('SELECT data FROM accessExceptions WHERE identityId IN (SELECT value FROM json_each(?)) ORDER BY rowid'),
    };
  }

  async getReviewCampaign(name: string): Promise<ReviewCampaign | null> {
    const text = this.q.campaignByName.get(name) as string | undefined;
    return text ? JSON.parse(text) : null;
  }

  async listReviewCampaigns(): Promise<ReviewCampaign[]> {
    return parseAll<ReviewCampaign>(this.q.campaigns.all());
  }

  async getReviewItem(id: string): Promise<ReviewItem | null> {
    const text = this.q.item.get(id) as string | undefined;
    return text ? JSON.parse(text) : null;
  }

  async listReviewItems(query: ReviewItemQuery): Promise<ReviewItem[]> {
    const clauses = ['campaignId = ?'];
    const params: unknown[] = [query.campaignId];
    const add = (clause: string, value: unknown) => {
      clauses.push(clause);
      params.push(value);
    };
    if (query.reviewer !== undefined) add('reviewer = ?', query.reviewer);
    if (query.identityId !== undefined) add('identityId = ?', query.identityId);
    if (query.pending !== undefined) add('decided = ?', query.pending ? 0 : 1);
    const sql = `SELECT data FROM reviewItems WHERE ${clauses.join(' AND ')} ORDER BY username, id`;
    let st = this.dynamic.get(sql);
    if (!st) this.dynamic.set(sql, (st = this.db.prepare(sql).pluck()));
    return parseAll<ReviewItem>(st.all(...params));
  }

  async listAccessExceptions(identityIds?: string[]): Promise<AccessException[]> {
    const rows = identityIds ? this.q.exceptionsOf.all(JSON.stringify(identityIds)) : this.q.exceptions.all();
    return parseAll<AccessException>(rows);
  }
}
