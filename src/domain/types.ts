// Plain data shared by every layer. No behaviour here and no imports from outside the domain:
// storage backends, connectors and the LDAP view all speak in these shapes.

export type LifecycleState = 'prehire' | 'active' | 'suspended' | 'terminated';

/** Normalised attribute bag of one record in one source. Keys are idsync's canonical names. */
export type Attributes = Record<string, string | null>;

/**
 * Canonical attribute names a source normalises into. Sources may carry more (custom keys are kept).
 * `manager` holds the manager's employee id as the source gave it; the view turns it into a DN.
 */
export const CANONICAL_ATTRIBUTES = [
  'employeeId',
  'givenName',
  'sn',
  'displayName',
  'mail',
  'upn', // user principal name: Entra and AD userPrincipalName, Okta profile.login
  'login', // the name a person signs in with: Okta profile.login, LDAP uid, AD sAMAccountName, Google primaryEmail
  'department',
  'title',
  'manager',
  'status', // raw HR status normalised to: active | leave | terminated
  'startDate', // ISO yyyy-mm-dd
  'endDate', // ISO yyyy-mm-dd
  'employeeType',
  'location',
] as const;

/** What one source says about one person, as stored after normalisation. */
export interface SourceRecord {
  source: string;
  externalId: string;
  attributes: Attributes;
  /** sha256 over the canonical JSON of `attributes`; equal hash = nothing changed. */
  hash: string;
  identityId: string | null;
  firstSeenAt: string;
  lastSeenAt: string;
  lastSeenRunId: string;
  /** true once a complete authoritative run no longer lists the record. */
  gone: boolean;
}

/** Where a merged attribute value came from: which source record and which precedence rule. */
export interface Provenance {
  source: string;
  externalId: string;
  rule: string;
}

export type EntitlementKind = 'group' | 'account';

/** An access the rules grant. `rule` names the rule (or built-in) that granted it. */
export interface Entitlement {
  kind: EntitlementKind;
  /** group name for kind=group; target name for kind=account */
  name: string;
  /** for kind=account: groups/roles/licences inside that target */
  values?: string[];
  rule: string;
}

export interface SourceLink {
  source: string;
  externalId: string;
}

export interface Identity {
  id: string;
  /** bumped on every write; compare-and-swap key */
  revision: number;
  /** assigned once, never changed, never reused */
  username: string;
  /** assigned once, never changed, never reused */
  uidNumber: number;
  employeeId: string | null;
  state: LifecycleState;
  stateChangedAt: string;
  attributes: Attributes;
  provenance: Record<string, Provenance>;
  links: SourceLink[];
  entitlements: Entitlement[];
  createdAt: string;
  updatedAt: string;
}

export interface Group {
  name: string;
  /** assigned once, never changed, never reused */
  gidNumber: number;
  description: string | null;
  /** 'department' | 'source:<name>' | 'rule:<rule id>' */
  origin: string;
  createdAt: string;
  /** names of groups nested inside this one (their members belong to it transitively); optional */
  memberGroups?: string[];
  /** a source group: the vendor's immutable id of it (origin 'source:<name>') */
  externalId?: string;
  /** a source group: ids of the identities the source lists as its direct members, sorted */
  members?: string[];
  /**
   * A source group the source deleted: kept (under tombstoneGroupName) so its gidNumber stays
   * reserved for it and a restore gets it back. Never served, never a member of anything.
   */
  deletedAt?: string | null;
  /** a tombstone's name before it was deleted */
  formerName?: string;
}

export type IntentStatus = 'pending' | 'done' | 'failed' | 'held';

/**
 * Outbox row: "target T must be brought to the desired state of identity I".
 * Written in the same transaction as the identity change that caused it.
 */
export interface Intent {
  id: string;
  target: string;
  identityId: string;
  /** 1 = highest (terminations, suspensions); larger runs later (BullMQ convention) */
  priority: number;
  reason: string;
  correlationId: string;
  status: IntentStatus;
  createdAt: string;
  updatedAt: string;
  attempts: number;
  lastError: string | null;
}

export type TargetAccountStatus = 'pending' | 'provisioned' | 'disabled' | 'deleted' | 'failed';

/** What idsync knows of one identity's account in one target. */
export interface TargetAccount {
  target: string;
  identityId: string;
  externalId: string | null;
  desiredHash: string | null;
  appliedHash: string | null;
  status: TargetAccountStatus;
  attempts: number;
  lastError: string | null;
  updatedAt: string;
}

export type SyncRunStatus = 'running' | 'applied' | 'held' | 'incomplete' | 'failed' | 'allowed';

export interface SyncRunCounts {
  seen: number;
  created: number;
  updated: number;
  unchanged: number;
  terminated: number;
  suspended: number;
  reactivated: number;
  disputed: number;
  errors: number;
  writes: number;
}

export interface SyncRun {
  id: string;
  source: string;
  status: SyncRunStatus;
  startedAt: string;
  finishedAt: string | null;
  counts: SyncRunCounts;
  /** why a run was held or counted incomplete, in one sentence */
  reason: string | null;
  /** delta token or watermark for incremental sources */
  watermark: string | null;
  /** for held runs: the staged records, so `runs allow` can apply exactly what was held */
  staged: unknown | null;
}

export interface Dispute {
  id: string;
  source: string;
  externalId: string;
  /** identity ids that all matched */
  candidates: string[];
  rule: string;
  openedAt: string;
  resolvedAt: string | null;
  /** the source record's attributes as read when the dispute opened (the record itself is not stored until it is linked) */
  attributes?: Attributes;
  /** a person's decision, once resolved (absent or null while open) */
  resolution?: DisputeResolution | null;
}

/** Which candidate a disputed record belongs to, who decided it and when. */
export interface DisputeResolution {
  identityId: string;
  /** the chosen identity's username (usernames never change) */
  username: string;
  decidedBy: AuditActor;
  decidedAt: string;
}

export type AuditActor =
  | { kind: 'source-run'; id: string; source: string }
  | { kind: 'helpdesk'; id: string }
  | { kind: 'system'; id: string }
  | { kind: 'worker'; id: string; target: string };

/** What a caller hands the store; the store assigns seq, prevHash and hash in the transaction. */
export interface AuditDraft {
  time: string;
  actor: AuditActor;
  /** e.g. identity.create, identity.update, identity.terminate, dispute.open, run.held, run.allowed */
  action: string;
  /** e.g. { kind: 'identity', id, username } */
  subject: { kind: string; id: string; username?: string | null };
  before: unknown;
  after: unknown;
  correlationId: string;
}

export interface AuditRecord extends AuditDraft {
  seq: number;
  prevHash: string;
  hash: string;
}
