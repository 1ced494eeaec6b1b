import { contentHash } from '../../domain/canonical';
import { normaliseAttributes } from '../../domain/normalize';
import type { Attributes } from '../../domain/types';
import type { SourceProblem, SourceSnapshot } from '../../ports/source-connector';

/** One valid record of a snapshot, normalised and hashed. */
export interface PreparedRecord {
  externalId: string;
  /** null once the run found the record unchanged: nothing reads it again, so it is let go */
  attributes: Attributes | null;
  hash: string;
}

export interface PreparedSnapshot {
  /** valid records, first occurrence of each external id, in source order */
  records: PreparedRecord[];
  /** every external id the snapshot mentions, valid or not (an invalid row is not a leaver) */
  seen: Set<string>;
  problems: SourceProblem[];
  /** number of distinct external ids whose record is valid */
  validCount: number;
}

/** Normalises and hashes every record once, before anything is loaded: hashes decide what to load. */
export function prepareSnapshot(snapshot: SourceSnapshot): PreparedSnapshot {
  const records: PreparedRecord[] = [];
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
    records.push({ externalId: raw.externalId, attributes: normalised.attributes, hash: contentHash(normalised.attributes) });
  }
  return { records, seen, problems, validCount: records.length };
}
