// The fake target's accounts and effect counters, in SQLite so that several processes (a worker
// killed with SIGKILL and its successor) see one target, and a state change and its effect count
// commit together: a crash leaves either both or neither.
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import type { ActualAccount } from '../../../ports/target-connector';

export type EffectKind = 'create' | 'update' | 'disable' | 'remove';

interface AccountRow {
  external_id: string;
  user_name: string;
  active: number;
  attributes: string;
  groups_json: string;
}

export class FakeTargetState {
  private db: Database.Database;

  constructor(path = ':memory:') {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS accounts (
        external_id TEXT PRIMARY KEY, user_name TEXT NOT NULL, user_key TEXT NOT NULL UNIQUE,
        active INTEGER NOT NULL, attributes TEXT NOT NULL, groups_json TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS effects (user_key TEXT NOT NULL, kind TEXT NOT NULL, count INTEGER NOT NULL,
        PRIMARY KEY (user_key, kind));`);
  }

  byExternalId(id: string): ActualAccount | null {
    return toAccount(this.db.prepare('SELECT * FROM accounts WHERE external_id = ?').get(id) as AccountRow | undefined);
  }

  byUserName(userName: string): ActualAccount | null {
    const row = this.db.prepare('SELECT * FROM accounts WHERE user_key = ?').get(userName.toLowerCase()) as AccountRow | undefined;
    return toAccount(row);
  }

  all(): ActualAccount[] {
    return (this.db.prepare('SELECT * FROM accounts ORDER BY user_key').all() as AccountRow[]).map((r) => toAccount(r)!);
  }

  /** Inserts or replaces the account and counts the effect, in one transaction. */
  write(account: Omit<ActualAccount, 'externalId'> & { externalId?: string }, effect: EffectKind): ActualAccount {
    const stored = { ...account, externalId: account.externalId ?? randomUUID() };
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO accounts (external_id, user_name, user_key, active, attributes, groups_json) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT(external_id) DO UPDATE SET user_name = excluded.user_name, user_key = excluded.user_key,
             active = excluded.active, attributes = excluded.attributes, groups_json = excluded.groups_json`,
        )
        .run(stored.externalId, stored.userName, stored.userName.toLowerCase(), stored.active ? 1 : 0,
          JSON.stringify(stored.attributes), JSON.stringify(stored.groups));
      this.count(stored.userName, effect);
    })();
    return stored;
  }

  delete(account: ActualAccount): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM accounts WHERE external_id = ?').run(account.externalId);
      this.count(account.userName, 'remove');
    })();
  }

  /** effects applied per lower-cased userName: { create: 1, update: 2, ... } */
  effects(userName: string): Partial<Record<EffectKind, number>> {
    const rows = this.db.prepare('SELECT kind, count FROM effects WHERE user_key = ?').all(userName.toLowerCase()) as { kind: EffectKind; count: number }[];
    return Object.fromEntries(rows.map((r) => [r.kind, r.count]));
  }

  allEffects(): Map<string, Partial<Record<EffectKind, number>>> {
    const out = new Map<string, Partial<Record<EffectKind, number>>>();
    const rows = this.db.prepare('SELECT user_key, kind, count FROM effects').all() as { user_key: string; kind: EffectKind; count: number }[];
    for (const r of rows) out.set(r.user_key, { ...out.get(r.user_key), [r.kind]: r.count });
    return out;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private count(userName: string, kind: EffectKind): void {
    this.db
      .prepare('INSERT INTO effects (user_key, kind, count) VALUES (?, ?, 1) ON CONFLICT(user_key, kind) DO UPDATE SET count = count + 1')
      .run(userName.toLowerCase(), kind);
  }
}

function toAccount(row: AccountRow | undefined): ActualAccount | null {
  if (!row) return null;
  return {
    externalId: row.external_id,
    userName: row.user_name,
    active: row.active === 1,
    attributes: JSON.parse(row.attributes) as Record<string, string | null>,
    groups: JSON.parse(row.groups_json) as string[],
  };
}
