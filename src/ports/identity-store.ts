import type {
  AuditDraft,
  AuditRecord,
  Dispute,
  Group,
  Identity,
  Intent,
  IntentStatus,
  SourceRecord,
  SyncRun,
  TargetAccount,
} from '../domain/types';
import type { ReviewChanges, ReviewReader } from './reviews';

/** A compare-and-swap write lost: someone else committed a newer revision first. */
export class RevisionConflictError extends Error {
  constructor(readonly identityId: string, readonly expected: number | null) {
    super(`identity ${identityId} changed concurrently (expected revision ${expected ?? 'none'})`);
    this.name = 'RevisionConflictError';
  }
}

/** A value that must be unique (username, uidNumber, employee id) is already taken. */
export class UniqueViolationError extends Error {
  constructor(readonly field: string, readonly value: string) {
    super(`${field} "${value}" is already taken`);
    this.name = 'UniqueViolationError';
  }
}

/**
 * The audit head marker does not match the last stored record (the marker was deleted or reset, or
 * records were written around the store): appending would fork or collide with the trail, so the
 * commit is refused with the way out named.
 */
export class AuditHeadError extends Error {
  constructor(readonly headSeq: number | null, readonly lastSeq: number) {
    super(
      `audit head marker ${headSeq === null ? 'is missing' : `says seq ${headSeq}`} but the last audit record is seq ${lastSeq}; ` +
        'nothing can be committed until it is repaired: run `idsync audit verify` and then `idsync audit repair-head`',
    );
    this.name = 'AuditHeadError';
  }
}

/**
 * `expectedRevision: null` inserts (fails if the id exists); a number updates only if the stored
 * revision still equals it. The store writes `revision = expectedRevision + 1` (1 on insert).
 */
export interface IdentityWrite {
  identity: Identity;
  expectedRevision: number | null;
}

/**
 * Everything one logical change writes. `commit` applies all of it in one transaction or none of it
 * (the outbox principle: identity + intents + audit together).
 */
export interface ChangeSet extends ReviewChanges {
  sourceRecords?: SourceRecord[];
  identities?: IdentityWrite[];
  /** inserted when no group of that name exists; an existing group is left as it is */
  groups?: Group[];
  /** written whole, replacing a group of that name (source groups: membership, rename, tombstone) */
  groupWrites?: Group[];
  /** group names whose rows are removed (a renamed source group moves to its new name) */
  groupRemovals?: string[];
  intents?: Intent[];
  disputes?: Dispute[];
  runs?: SyncRun[];
  targetAccounts?: TargetAccount[];
  /** appended in order; the store assigns seq, prevHash and hash inside the transaction */
  audit?: AuditDraft[];
}

export interface CommitResult {
  /** identity id -> revision now stored */
  revisions: Record<string, number>;
  /** change-feed sequence of this commit, or null if it touched no identity or group */
  changeSeq: number | null;
  audit: AuditRecord[];
}

/** One entry of the change feed: which identities and groups a commit touched. */
export interface ChangeEvent {
  seq: number;
  identityIds: string[];
  groupNames: string[];
  at: string;
}

/** The outcome of an updater passed to updateIdentity: the next identity plus what goes with it. */
export interface IdentityUpdate {
  identity: Identity;
  intents?: Intent[];
  audit?: AuditDraft[];
}

export interface IntentQuery {
  status?: IntentStatus[];
  target?: string;
  identityId?: string;
  /** only intents whose updatedAt is older than this ISO time */
  updatedBefore?: string;
  limit?: number;
}

export interface RunQuery {
  source?: string;
  status?: SyncRun['status'][];
  limit?: number;
}

/** Lookup of an identity by one of its unique keys. Username and mail match case-insensitively. */
export type IdentityKey =
  | { by: 'id'; value: string }
  | { by: 'username'; value: string }
  | { by: 'employeeId'; value: string }
  | { by: 'mail'; value: string }
  | { by: 'uidNumber'; value: number };

export type SequenceName = 'uidNumber' | 'gidNumber';

/** The light view of a stored source record: what a run compares before it loads anything in full. */
/**
 * Record attributes findSourceRecords can look up: `login`, the sign-in name (SCIM userName), and
 * `scimExternalId`, the key a SCIM client gives its own users.
 */
export const SOURCE_RECORD_LOOKUP_KEYS = ['login', 'scimExternalId'] as const;
export type SourceRecordLookupKey = (typeof SOURCE_RECORD_LOOKUP_KEYS)[number];

/** The lower-cased lookup values of a record's attributes, absent keys left out: what the indexes hold. */
export function sourceRecordLookup(attributes: Record<string, string | null | undefined>): Partial<Record<SourceRecordLookupKey, string>> {
  const out: Partial<Record<SourceRecordLookupKey, string>> = {};
  for (const key of SOURCE_RECORD_LOOKUP_KEYS) {
    const v = attributes[key];
    if (typeof v === 'string' && v !== '') out[key] = v.toLowerCase();
  }
  return out;
}

export interface SourceRecordDigest {
  externalId: string;
  hash: string;
  identityId: string | null;
  gone: boolean;
}

/** The keys of an identity that correlation and username allocation look at. */
export interface IdentityKeys {
  id: string;
  username: string;
  employeeId: string | null;
  /** attributes.mail lower-cased, null when empty */
  mailLower: string | null;
}

/** Read role the directory view needs; nothing else (lldap's narrow handler idea). */
export interface DirectoryReader {
  listIdentities(): Promise<Identity[]>;
  listGroups(): Promise<Group[]>;
  getIdentities(ids: string[]): Promise<Identity[]>;
  latestChangeSeq(): Promise<number>;
  changesSince(seq: number, limit?: number): Promise<ChangeEvent[]>;
  /** in-process notification after each commit that touched identities or groups */
  onChange(listener: (event: ChangeEvent) => void): () => void;
}

/**
 * Every change-feed entry after `seq`, read a page at a time: a follower that fell behind (a lost
 * notification, a burst of commits) catches up in one pass instead of one page per wake-up.
 */
export async function changesAfter(reader: Pick<DirectoryReader, 'changesSince'>, seq: number, pageSize = 1000): Promise<ChangeEvent[]> {
  const events: ChangeEvent[] = [];
  for (;;) {
    const page = await reader.changesSince(events.at(-1)?.seq ?? seq, pageSize);
    events.push(...page);
    if (page.length < pageSize) return events;
  }
}

export interface IdentityStore extends DirectoryReader, ReviewReader {
  readonly kind: string;

  // identities
  getIdentity(key: IdentityKey): Promise<Identity | null>;
  /** all identities whose mail equals `mail` case-insensitively (correlation may find several) */
  findIdentitiesByMail(mail: string): Promise<Identity[]>;
  /**
   * Compare-and-swap: reads the identity, calls `updater`, commits with the read revision.
   * On conflict re-reads and calls `updater` again, up to `maxAttempts` (default 5), then throws
   * RevisionConflictError. `updater` returning null means "nothing to do".
   */
  updateIdentity(
    id: string,
    updater: (current: Identity) => IdentityUpdate | null,
    maxAttempts?: number,
  ): Promise<Identity | null>;

  /** reserve `count` consecutive values of a sequence; they are never handed out again */
  reserveSequence(name: SequenceName, count: number, floor: number): Promise<number>;

  // the outbox commit
  commit(changes: ChangeSet): Promise<CommitResult>;

  // source records
  listSourceRecords(source: string): Promise<SourceRecord[]>;
  getSourceRecord(source: string, externalId: string): Promise<SourceRecord | null>;
  sourceRecordsOf(identityId: string): Promise<SourceRecord[]>;
  /** the records of `source` with these external ids (unknown ids skipped), in no particular order */
  getSourceRecords(source: string, externalIds: string[]): Promise<SourceRecord[]>;
  /**
   * The records of `source` (gone ones included) whose attribute `key` equals `value` compared
   * lower-cased, through an index: a pushing client looks people up one at a time, and a scan of
   * the whole source per request grows with the number of people pushed. Only the
   * SOURCE_RECORD_LOOKUP_KEYS are indexed; a caller whose comparison is case-exact narrows further.
   */
  findSourceRecords(source: string, key: SourceRecordLookupKey, value: string): Promise<SourceRecord[]>;
  /** every record of `source`, light: a no-change run compares hashes without parsing records */
  sourceRecordHashes(source: string): Promise<SourceRecordDigest[]>;

  // light listings for large runs
  /** id, username, employee id and lower-cased mail of every identity, terminated ones included */
  identityKeys(): Promise<IdentityKeys[]>;
  /**
   * Identities whose stored state the calendar has overtaken on `today` (yyyy-mm-dd): not terminated
   * with attributes.endDate < today, or prehire with no attributes.startDate or one <= today.
   */
  identitiesWithDateTransitionsDue(today: string): Promise<Identity[]>;

  // groups
  getGroup(name: string): Promise<Group | null>;

  // outbox
  listIntents(query: IntentQuery): Promise<Intent[]>;
  getIntent(id: string): Promise<Intent | null>;

  // target accounts
  getTargetAccount(target: string, identityId: string): Promise<TargetAccount | null>;
  listTargetAccounts(target: string): Promise<TargetAccount[]>;

  // runs and disputes
  getRun(id: string): Promise<SyncRun | null>;
  listRuns(query: RunQuery): Promise<SyncRun[]>;
  listDisputes(openOnly: boolean): Promise<Dispute[]>;

  // audit
  /** records with seq >= fromSeq in seq order, at most `limit` */
  readAudit(fromSeq: number, limit: number): Promise<AuditRecord[]>;
  auditOfSubject(subjectId: string): Promise<AuditRecord[]>;
  /**
   * The head marker: seq and hash of the last appended record, written in the same transaction as
   * the records but kept apart from them (a meta row), so a cut tail shows as a mismatch.
   * { seq: 0, hash: GENESIS_HASH } when empty.
   */
  auditHead(): Promise<{ seq: number; hash: string }>;
  /**
   * Sets the head marker to the last record of the trail (after `audit verify` found the records
   * intact but the marker missing or behind) and returns the marker before (null when there was none,
   * or it stood at 0) and after.
   */
  repairAuditHead(): Promise<{ before: { seq: number; hash: string } | null; after: { seq: number; hash: string } }>;
  /** The last audit seq the named export sink is known to hold (0 when it has none yet). */
  exportCursor(sink: string): Promise<number>;
  /** Records that the named export sink now holds every audit record up to `seq`. */
  saveExportCursor(sink: string, seq: number): Promise<void>;

  close(): Promise<void>;
}
