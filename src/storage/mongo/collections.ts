/*
 * MongoDB layout of the store. Collection names match the SQLite tables; each document is the domain
 * object itself plus `_id` (and, for identities, the lower-cased lookup keys), so an operator reading
 * the database sees plain records.
 *
 *   identities     _id = id; usernameLower (unique), uidNumber (unique), employeeId (unique when a
 *                  non-empty string), mailLower (indexed), {state, attributes.endDate} (indexed)
 *   sourceRecords  _id = JSON [source, externalId]; {source, externalId} (unique), identityId (indexed);
 *                  lookup = the lower-cased lookup attributes, {source, lookup.<key>} (indexed)
 *   groups         _id = name
 *   intents        _id = id; {status, priority, createdAt}, {target, status}, {identityId}
 *   targetAccounts _id = JSON [target, identityId]; {target}
 *   syncRuns       _id = id; {startedAt}, {source, startedAt}
 *   disputes       _id = id; {resolvedAt}
 *   audit          _id = seq; {subject.id, _id}
 *   changes        _id = seq
 *   meta           _id 'auditHead' {seq, hash}; _id 'changeSeq' {seq}. Every commit that appends audit
 *                  or changes writes these documents first, so concurrent committers conflict there
 *                  and one of them is retried: the audit chain and the change feed stay linear.
 *                  _id 'exportCursor:<sink>' {seq}: the last seq a syslog sink was sent.
 *   counters       _id = sequence name, {next}
 *   reviewCampaigns _id = id; name (unique)
 *   reviewItems    _id = id; {campaignId, reviewer, decision}, {campaignId, identityId}
 *   accessExceptions _id = id; {identityId}
 */
import type mongoose from 'mongoose';
import { sourceRecordLookup } from '../../ports/identity-store';

type Db = mongoose.mongo.Db;
type IndexSpec = { key: Record<string, 1 | -1>; name: string; unique?: boolean; partialFilterExpression?: object };

export const COLLECTIONS = [
  'identities',
  'sourceRecords',
  'groups',
  'intents',
  'targetAccounts',
  'syncRuns',
  'disputes',
  'audit',
  'changes',
  'meta',
  'counters',
  'reviewCampaigns',
  'reviewItems',
  'accessExceptions',
] as const;

export type CollectionName = (typeof COLLECTIONS)[number];

/** Index names equal SQLite's, so an error message names the same constraint on either backend. */
const INDEXES: Partial<Record<CollectionName, IndexSpec[]>> = {
  identities: [
    { key: { usernameLower: 1 }, name: 'identities_usernameLower', unique: true },
    { key: { uidNumber: 1 }, name: 'identities_uidNumber', unique: true },
    // many identities have no employee id; only real values must be unique
    {
      key: { employeeId: 1 },
      name: 'identities_employeeId',
      unique: true,
      partialFilterExpression: { employeeId: { $gt: '' } },
    },
    { key: { mailLower: 1 }, name: 'identities_mailLower' },
    // identitiesWithDateTransitionsDue: prehires and people with an end date are few
    { key: { state: 1, 'attributes.endDate': 1 }, name: 'identities_lifecycle' },
  ],
  sourceRecords: [
    { key: { source: 1, externalId: 1 }, name: 'sourceRecords_key', unique: true },
    { key: { identityId: 1 }, name: 'sourceRecords_identityId' },
    { key: { source: 1, 'lookup.login': 1 }, name: 'sourceRecords_login' },
    { key: { source: 1, 'lookup.scimExternalId': 1 }, name: 'sourceRecords_scimExternalId' },
  ],
  intents: [
    { key: { status: 1, priority: 1, createdAt: 1 }, name: 'intents_status_order' },
    { key: { target: 1, status: 1 }, name: 'intents_target' },
    { key: { identityId: 1 }, name: 'intents_identityId' },
  ],
  targetAccounts: [{ key: { target: 1 }, name: 'targetAccounts_target' }],
  syncRuns: [
    { key: { startedAt: -1 }, name: 'syncRuns_startedAt' },
    { key: { source: 1, startedAt: -1 }, name: 'syncRuns_source' },
  ],
  disputes: [{ key: { resolvedAt: 1 }, name: 'disputes_resolvedAt' }],
  audit: [{ key: { 'subject.id': 1, _id: 1 }, name: 'audit_subjectId' }],
  reviewCampaigns: [{ key: { name: 1 }, name: 'reviewCampaigns_name', unique: true }],
  reviewItems: [
    { key: { campaignId: 1, reviewer: 1, decision: 1 }, name: 'reviewItems_reviewer' },
    { key: { campaignId: 1, identityId: 1 }, name: 'reviewItems_identity' },
  ],
  accessExceptions: [{ key: { identityId: 1 }, name: 'accessExceptions_identityId' }],
};

/** Which identity field a unique index guards, for UniqueViolationError. */
export const UNIQUE_IDENTITY_INDEXES: Record<string, 'username' | 'uidNumber' | 'employeeId'> = {
  identities_usernameLower: 'username',
  identities_uidNumber: 'uidNumber',
  identities_employeeId: 'employeeId',
};

/**
 * Collections and indexes exist before the first transaction (older servers cannot create a
 * collection inside one), and the head documents exist so committers only ever update them.
 */
export async function ensureSchema(db: Db): Promise<void> {
  const existing = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
  for (const name of COLLECTIONS) {
    if (!existing.has(name)) await db.createCollection(name).catch(ignoreAlreadyExists);
    const indexes = INDEXES[name];
    if (indexes) await db.collection(name).createIndexes(indexes);
  }
  await addRecordLookups(db);
  const meta = db.collection<{ _id: string }>('meta');
  await meta.updateOne({ _id: 'auditHead' }, { $setOnInsert: { seq: 0, hash: null } }, { upsert: true }).catch(ignoreDuplicate);
  await meta.updateOne({ _id: 'changeSeq' }, { $setOnInsert: { seq: 0 } }, { upsert: true }).catch(ignoreDuplicate);
}

/**
 * Records written before the lookup keys existed get them once, computed here (the server's
 * $toLower folds ASCII only, the writers use JavaScript's). Idempotent: two instances may both run it.
 */
async function addRecordLookups(db: Db): Promise<void> {
  const col = db.collection<{ _id: string; attributes?: Record<string, string | null> }>('sourceRecords');
  const cursor = col.find({ lookup: { $exists: false } }, { projection: { attributes: 1 } });
  let batch: Array<{ updateOne: { filter: { _id: string }; update: { $set: { lookup: object } } } }> = [];
  for await (const doc of cursor) {
    batch.push({ updateOne: { filter: { _id: doc._id }, update: { $set: { lookup: sourceRecordLookup(doc.attributes ?? {}) } } } });
    if (batch.length === 1000) {
      await col.bulkWrite(batch, { ordered: false });
      batch = [];
    }
  }
  if (batch.length) await col.bulkWrite(batch, { ordered: false });
}

/** Two instances starting at once race to create the same things; losing that race is fine. */
function ignoreAlreadyExists(err: { code?: number }): void {
  if (err.code !== 48) throw err;
}

export function ignoreDuplicate(err: { code?: number }): void {
  if (err.code !== 11000) throw err;
}

export const pairId = (a: string, b: string): string => JSON.stringify([a, b]);
