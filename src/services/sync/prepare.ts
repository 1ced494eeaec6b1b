import { contentHash } from '../../domain/canonical';
import { normaliseAttributes } from '../../domain/normalize';
import type { Attributes } from '../../domain/types';
import type { SourceProblem, SourceSnapshot } from '../../ports/source-connector';

/** One valid record of a snapshot, normalised and hashed. */
export interface PreparedRecord {
  externalId: string;
  /** null for an unchanged record kept only for its identity's date-driven transition */
  attributes: Attributes | null;
  hash: string;
}

/**
 * How a valid record compares with what is stored: `changed` (or new) is kept in full; `unchanged`
 * is only counted, so its normalised copy dies young; `unchanged-due` is kept without attributes
 * because the calendar may move its identity.
 */
export type RecordStanding = 'changed' | 'unchanged' | 'unchanged-due';

export interface PreparedSnapshot {
  /** valid records, first occurrence of each external id, in source order, except plain unchanged ones */
  records: PreparedRecord[];
  /** valid records found unchanged and not kept */
  unchangedCount: number;
  /** every external id the snapshot mentions, valid or not (an invalid row is not a leaver) */
  seen: Set<string>;
  problems: SourceProblem[];
  /** number of distinct external ids whose record is valid */
  validCount: number;
}

/** Normalises and hashes every record once; `standing` (default: all changed) decides what is kept. */
export function prepareSnapshot(snapshot: SourceSnapshot, standing: (externalId: string, hash: string) => RecordStanding = () => 'changed'): PreparedSnapshot {
  const records: PreparedRecord[] = [];
  let unchangedCount = 0;
  const seen = new Set<string>();
  const problems: SourceProblem[] = [...snapshot.problems];
  for (const raw of snapshot.records) {
    const location = raw.location ?? raw.externalId;
    if (seen.has(raw.externalId)) {
      problems.push({ location, message: `external id "${raw.externalId}" appears more than once; the first occurrence was used` });
      continue;
    }
    seen.add(raw.externalId);
    const normalised = normaliseAttributes(raw.attributes);
    if (!normalised.ok) {
      for (const message of normalised.errors) problems.push({ location, message });
      continue;
    }
    const hash = contentHash(normalised.attributes);
    const kept = standing(raw.externalId, hash);
    if (kept === 'changed') records.push({ externalId: raw.externalId, attributes: normalised.attributes, hash });
    else if (kept === 'unchanged-due') records.push({ externalId: raw.externalId, attributes: null, hash });
    else unchangedCount++;
  }
  return { records, unchangedCount, seen, problems, validCount: records.length + unchangedCount };
}
