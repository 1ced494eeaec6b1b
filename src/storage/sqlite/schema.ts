/*
 * SQLite schema of the embedded store. Table and column names are plain on purpose: operators,
 * `sqlite3` and the tamper tests open the file directly.
 *
 *   identities     id PK, revision, username, usernameLower UNIQUE, uidNumber UNIQUE,
 *                  employeeId UNIQUE (NULLs allowed), mailLower (indexed), data (JSON of the Identity;
 *                  provenance shared by several attributes is written once, see rows.ts identityToJson),
 *                  state, startDate, endDate (copies of state and attributes.startDate/endDate,
 *                  indexed (state, endDate) for identitiesWithDateTransitionsDue)
 *   sourceRecords  source, externalId (UNIQUE together), identityId (indexed), data (JSON SourceRecord),
 *                  hash, gone (0/1) (copies, so a run compares hashes without parsing `data`;
 *                  covering index sourceRecords_digest), loginLower, scimExternalIdLower (the
 *                  lower-cased lookup attributes, indexed with source for findSourceRecords)
 *   groups         name PK, data (JSON Group)
 *   intents        id PK, target, identityId, status, priority, createdAt, updatedAt, data (JSON Intent)
 *   targetAccounts target, identityId (PK together), data (JSON TargetAccount)
 *   syncRuns       id PK, source, status, startedAt, data (JSON SyncRun)
 *   disputes       id PK, resolvedAt, data (JSON Dispute)
 *   audit          seq PK, prevHash, hash, time, actor (JSON), action, subjectId,
 *                  subject (JSON), before (JSON), after (JSON), correlationId
 *   changes        seq PK, identityIds (JSON array), groupNames (JSON array), at
 *   meta           key PK, value (JSON); key 'auditHead' holds {seq, hash} of the last audit record,
 *                  written in the same transaction as the records so a cut tail shows as a mismatch;
 *                  'exportCursor:<sink>' holds the last seq a syslog sink was sent
 *   sequences      name PK, next (the next value reserveSequence hands out)
 *   reviewCampaigns, reviewItems, accessExceptions: access reviews (see reviews.ts)
 *
 * Nested data lives in JSON text columns; only what a query filters or sorts on is a real column.
 */
// 4: the access-review tables (reviews.ts), created on open like every table
export const SCHEMA_VERSION = 4;

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS identities (
  id TEXT PRIMARY KEY,
  revision INTEGER NOT NULL,
  username TEXT NOT NULL,
  usernameLower TEXT NOT NULL,
  uidNumber INTEGER NOT NULL,
  employeeId TEXT,
  mailLower TEXT,
  data TEXT NOT NULL,
  state TEXT,
  startDate TEXT,
  endDate TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS identities_usernameLower ON identities(usernameLower);
CREATE UNIQUE INDEX IF NOT EXISTS identities_uidNumber ON identities(uidNumber);
CREATE UNIQUE INDEX IF NOT EXISTS identities_employeeId ON identities(employeeId);
CREATE INDEX IF NOT EXISTS identities_mailLower ON identities(mailLower);

CREATE TABLE IF NOT EXISTS sourceRecords (
  source TEXT NOT NULL,
  externalId TEXT NOT NULL,
  identityId TEXT,
  data TEXT NOT NULL,
  hash TEXT,
  gone INTEGER,
  loginLower TEXT,
  scimExternalIdLower TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS sourceRecords_key ON sourceRecords(source, externalId);
CREATE INDEX IF NOT EXISTS sourceRecords_identityId ON sourceRecords(identityId);

CREATE TABLE IF NOT EXISTS groups (
  name TEXT PRIMARY KEY,
  data TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS intents (
  id TEXT PRIMARY KEY,
  target TEXT NOT NULL,
  identityId TEXT NOT NULL,
  status TEXT NOT NULL,
  priority INTEGER NOT NULL,
  createdAt TEXT NOT NULL,
  updatedAt TEXT NOT NULL,
  data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS intents_status_order ON intents(status, priority, createdAt);
CREATE INDEX IF NOT EXISTS intents_target ON intents(target, status);
CREATE INDEX IF NOT EXISTS intents_identityId ON intents(identityId);

CREATE TABLE IF NOT EXISTS targetAccounts (
  target TEXT NOT NULL,
  identityId TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (target, identityId)
);

CREATE TABLE IF NOT EXISTS syncRuns (
  id TEXT PRIMARY KEY,
  source TEXT NOT NULL,
  status TEXT NOT NULL,
  startedAt TEXT NOT NULL,
  data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS syncRuns_startedAt ON syncRuns(startedAt);
CREATE INDEX IF NOT EXISTS syncRuns_source ON syncRuns(source, startedAt);

CREATE TABLE IF NOT EXISTS disputes (
  id TEXT PRIMARY KEY,
  resolvedAt TEXT,
  data TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS audit (
  seq INTEGER PRIMARY KEY,
  prevHash TEXT NOT NULL,
  hash TEXT NOT NULL,
  time TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  subjectId TEXT NOT NULL,
  subject TEXT NOT NULL,
  before TEXT NOT NULL,
  after TEXT NOT NULL,
  correlationId TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_subjectId ON audit(subjectId, seq);

CREATE TABLE IF NOT EXISTS changes (
  seq INTEGER PRIMARY KEY,
  identityIds TEXT NOT NULL,
  groupNames TEXT NOT NULL,
  at TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS sequences (
  name TEXT PRIMARY KEY,
  next INTEGER NOT NULL
);
`;

/**
 * Columns later schemas added, with how to fill them from the JSON of rows written before (2: the
 * lifecycle and digest copies; 3: the lookup keys). idsync_lower is JavaScript's toLowerCase, the
 * one the writers use: SQLite's lower() folds ASCII only.
 */
const ADDED_COLUMNS: Array<{ table: string; column: string; type: string; fill: string }> = [
  { table: 'identities', column: 'state', type: 'TEXT', fill: "json_extract(data, '$.state')" },
  { table: 'identities', column: 'startDate', type: 'TEXT', fill: "json_extract(data, '$.attributes.startDate')" },
  { table: 'identities', column: 'endDate', type: 'TEXT', fill: "json_extract(data, '$.attributes.endDate')" },
  { table: 'sourceRecords', column: 'hash', type: 'TEXT', fill: "json_extract(data, '$.hash')" },
  { table: 'sourceRecords', column: 'gone', type: 'INTEGER', fill: "json_extract(data, '$.gone')" },
  { table: 'sourceRecords', column: 'loginLower', type: 'TEXT', fill: "idsync_lower(json_extract(data, '$.attributes.login'))" },
  { table: 'sourceRecords', column: 'scimExternalIdLower', type: 'TEXT', fill: "idsync_lower(json_extract(data, '$.attributes.scimExternalId'))" },
];

/** Brings a schema 1 file up to date (inside the caller's transaction); a no-op on a fresh file. */
export function migrationSql(existingColumns: (table: string) => string[]): string {
  const out: string[] = [];
  for (const c of ADDED_COLUMNS) {
    if (existingColumns(c.table).includes(c.column)) continue;
    out.push(`ALTER TABLE ${c.table} ADD COLUMN ${c.column} ${c.type};`, `UPDATE ${c.table} SET ${c.column} = ${c.fill};`);
  }
  return out.join('\n');
}

/** Indexes over columns a migration may have just added. */
export const LATE_INDEXES_SQL = `
CREATE INDEX IF NOT EXISTS identities_lifecycle ON identities(state, endDate);
-- covering: sourceRecordHashes reads 100,000 digests without visiting the rows
CREATE INDEX IF NOT EXISTS sourceRecords_digest ON sourceRecords(source, externalId, hash, identityId, gone);
CREATE INDEX IF NOT EXISTS sourceRecords_login ON sourceRecords(source, loginLower);
CREATE INDEX IF NOT EXISTS sourceRecords_scimExternalId ON sourceRecords(source, scimExternalIdLower);
`;

/** The JavaScript lower-casing the migration fills lookup columns with; empty and non-text values are NULL. */
export function idsyncLower(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value.toLowerCase() : null;
}
