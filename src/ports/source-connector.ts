import type { Attributes } from '../domain/types';
import type { SourceGroupInput } from '../domain/source-groups';

/** One person as a source reports them, already mapped to canonical attribute names. */
export interface RawRecord {
  externalId: string;
  attributes: Attributes;
  /** where in the source it came from, for error messages (e.g. "line 14") */
  location?: string;
}

/** One group as a source reports it: the domain's type, which the group planning reads. */
export type RawGroup = SourceGroupInput;

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
