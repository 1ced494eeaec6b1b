import type { Attributes } from '../domain/types';

/** One person as a source reports them, already mapped to canonical attribute names. */
export interface RawRecord {
  externalId: string;
  attributes: Attributes;
  /** where in the source it came from, for error messages (e.g. "line 14") */
  location?: string;
}

/**
 * One group as a source reports it. `externalId` is the vendor's immutable id; members name other
 * records of the same source by their externalId. A full read gives `members`/`memberGroups` whole;
 * a delta read of a vendor that only reports membership changes gives `memberChanges` instead.
 */
export interface RawGroup {
  externalId: string;
  /** display name as the vendor shows it (before any configured prefix) */
  name: string;
  description?: string;
  /** externalIds of the people in the group (full read) */
  members?: string[];
  /** externalIds of groups nested directly inside this one (full read) */
  memberGroups?: string[];
  /** membership changes since the watermark (delta read) */
  memberChanges?: { added: string[]; removed: string[]; addedGroups?: string[]; removedGroups?: string[] };
  location?: string;
}

export interface SourceProblem {
  location: string;
  message: string;
}

/**
 * What one read of a source produced. `complete` is false when anything went wrong (a page missing,
 * a parse error, a sanity check failed); an incomplete snapshot never removes access.
 */
export interface SourceSnapshot {
  mode: 'full' | 'delta';
  complete: boolean;
  records: RawRecord[];
  /** externalIds a delta source reports as deleted */
  removed?: string[];
  /**
   * Groups the source brings, when it brings any: a full read lists every group; a delta read lists
   * only changed groups. Absent (undefined) means the source says nothing about groups.
   */
  groups?: RawGroup[];
  /** group externalIds a delta read reports as deleted */
  removedGroups?: string[];
  problems: SourceProblem[];
  incompleteReason: string | null;
  /** the completeness check an unusable export failed (e.g. "final-newline"), for logs */
  failedCheck?: string;
  watermark: string | null;
}

export interface SourceReadContext {
  watermark: string | null;
  signal?: AbortSignal;
}

export interface SourceConnector {
  readonly name: string;
  readonly kind: string;
  /** whether a person missing from a complete full snapshot is a leaver */
  readonly authoritative: boolean;
  /** true for a source that pushes its changes (inbound SCIM): the scheduler never polls it */
  readonly pushed?: boolean;
  read(ctx: SourceReadContext): Promise<SourceSnapshot>;
  /** re-read one person now (resync); null when the source no longer has them */
  readOne?(externalId: string): Promise<RawRecord | null>;
  close?(): Promise<void>;
}
