import Database from 'better-sqlite3';
import type { CredentialStore, TotpEnrolment } from '../../ports/credential-store';

// Its own connection and its own tables in the store's SQLite file: the identity store never reads
// secrets, and this file never reads identities.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS credentials (
  username TEXT PRIMARY KEY COLLATE NOCASE,
  password_hash TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS totp (
  username TEXT PRIMARY KEY COLLATE NOCASE,
  secret TEXT NOT NULL,
  last_time_step INTEGER NOT NULL,
  enrolled_at TEXT NOT NULL
);`;

export class SqliteCredentialStore implements CredentialStore {
  readonly kind = 'sqlite';
  private db: Database.Database;
  private closed = false;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
  }

  async getPasswordHash(username: string): Promise<string | null> {
    const row = this.db.prepare('SELECT password_hash AS h FROM credentials WHERE username = ?').get(username) as
      | { h: string }
      | undefined;
    return row?.h ?? null;
  }

  async setPasswordHash(username: string, hash: string, at: string): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO credentials (username, password_hash, updated_at) VALUES (?, ?, ?)
         ON CONFLICT(username) DO UPDATE SET password_hash = excluded.password_hash, updated_at = excluded.updated_at`,
      )
      .run(username, hash, at);
  }

  async getTotp(username: string): Promise<TotpEnrolment | null> {
    const row = this.db
      .prepare('SELECT secret, last_time_step AS s, enrolled_at AS e FROM totp WHERE username = ?')
      .get(username) as { secret: string; s: number; e: string } | undefined;
    return row ? { secret: row.secret, lastTimeStep: row.s, enrolledAt: row.e } : null;
  }

  async setTotp(username: string, enrolment: TotpEnrolment): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO totp (username, secret, last_time_step, enrolled_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(username) DO UPDATE SET secret = excluded.secret,
           last_time_step = excluded.last_time_step, enrolled_at = excluded.enrolled_at`,
      )
      .run(username, enrolment.secret, enrolment.lastTimeStep, enrolment.enrolledAt);
  }

  async consumeTotpStep(username: string, timeStep: number): Promise<boolean> {
    // One conditional UPDATE is atomic across processes sharing the file: two instances cannot
    // both accept the same code.
    const res = this.db
      .prepare('UPDATE totp SET last_time_step = ? WHERE username = ? AND last_time_step < ?')
      .run(timeStep, username, timeStep);
    return res.changes === 1;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}
