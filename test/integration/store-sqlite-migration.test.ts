// A file written by schema 1 (no state/date columns on identities, no hash/gone/lookup columns on
// sourceRecords) opens under the current schema with the columns filled from the JSON, so the light
// queries and the record lookup see old rows.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../src/storage/sqlite/sqlite-store';
import { identity, sourceRecord } from '../conformance/fixtures';

const SCHEMA_1 = `
CREATE TABLE identities (id TEXT PRIMARY KEY, revision INTEGER NOT NULL, username TEXT NOT NULL, usernameLower TEXT NOT NULL,
  uidNumber INTEGER NOT NULL, employeeId TEXT, mailLower TEXT, data TEXT NOT NULL);
CREATE TABLE sourceRecords (source TEXT NOT NULL, externalId TEXT NOT NULL, identityId TEXT, data TEXT NOT NULL);
CREATE UNIQUE INDEX sourceRecords_key ON sourceRecords(source, externalId);
PRAGMA user_version = 1;
`;

describe('SQLite schema 1 -> current migration', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'idsync-migrate-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('fills the new columns from the stored JSON and answers the light queries for old rows', async () => {
    const path = join(dir, 'old.db');
    const old = new Database(path);
    old.exec(SCHEMA_1);
    const ended = { ...identity(1, { attributes: { mail: 'a@example.com', endDate: '2026-01-31' } }), revision: 1 };
    const current = { ...identity(2), revision: 1 };
    for (const i of [ended, current]) {
      old.prepare('INSERT INTO identities VALUES (?, 1, ?, ?, ?, ?, ?, ?)').run(i.id, i.username, i.username.toLowerCase(), i.uidNumber, i.employeeId, i.attributes.mail, JSON.stringify(i));
    }
    const base = sourceRecord('hr', 'E1', { identityId: 'id-1', hash: 'h1', gone: true });
    const record = { ...base, attributes: { ...base.attributes, login: 'ÉMILE@Example.com', scimExternalId: 'Ext-1' } };
    old.prepare('INSERT INTO sourceRecords VALUES (?, ?, ?, ?)').run('hr', 'E1', 'id-1', JSON.stringify(record));
    old.close();

    const store = new SqliteStore(path);
    try {
      expect(await store.sourceRecordHashes('hr')).toEqual([{ externalId: 'E1', hash: 'h1', identityId: 'id-1', gone: true }]);
      expect((await store.identitiesWithDateTransitionsDue('2026-02-01')).map((i) => i.id)).toEqual(['id-1']);
      expect(await store.getIdentity({ by: 'id', value: 'id-2' })).toEqual(current);
      // filled with JavaScript's lower-casing, as the writers do: SQLite's lower() would leave É
      expect(await store.findSourceRecords('hr', 'login', 'émile@example.com')).toEqual([record]);
      expect(await store.findSourceRecords('hr', 'scimExternalId', 'EXT-1')).toEqual([record]);
      // schema 4: the access-review tables exist on an upgraded file
      const campaign = { id: 'c1', name: 'Q1', scope: { kind: 'all' as const }, openedAt: '2026-01-01T00:00:00Z', openedBy: { kind: 'system' as const, id: 't' }, status: 'open' as const, closedAt: null };
      await store.commit({ reviewCampaigns: [campaign] });
      expect(await store.getReviewCampaign('Q1')).toEqual(campaign);
    } finally {
      await store.close();
    }
    const reopened = new Database(path, { readonly: true });
    expect(reopened.pragma('user_version', { simple: true })).toBe(4);
    reopened.close();
  });
});
