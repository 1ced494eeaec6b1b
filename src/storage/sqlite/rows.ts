// Row <-> domain mapping for the tables whose columns are not a single JSON `data` blob.
import type { ChainedAudit } from '../../domain/audit-chain';
import type { AuditRecord, Identity } from '../../domain/types';
import type { ChangeEvent } from '../../ports/identity-store';

export interface AuditRow {
  seq: number;
  prevHash: string;
  hash: string;
  time: string;
  actor: string;
  action: string;
  subjectId: string;
  subject: string;
  before: string;
  after: string;
  correlationId: string;
}

export function auditToRow(r: AuditRecord): AuditRow {
  return {
    seq: r.seq,
    prevHash: r.prevHash,
    hash: r.hash,
    time: r.time,
    actor: JSON.stringify(r.actor),
    action: r.action,
    subjectId: r.subject.id,
    subject: JSON.stringify(r.subject),
    before: JSON.stringify(r.before ?? null),
    after: JSON.stringify(r.after ?? null),
    correlationId: r.correlationId,
  };
}

/** auditToRow with the nested parts already serialised (chainAuditWithJson). */
export function auditRowWithJson(r: AuditRecord, json: ChainedAudit['json']): AuditRow {
  return {
    seq: r.seq,
    prevHash: r.prevHash,
    hash: r.hash,
    time: r.time,
    actor: json.actor,
    action: r.action,
    subjectId: r.subject.id,
    subject: json.subject,
    before: json.before,
    after: json.after,
    correlationId: r.correlationId,
  };
}

export function auditFromRow(row: AuditRow): AuditRecord {
  return {
    seq: row.seq,
    prevHash: row.prevHash,
    hash: row.hash,
    time: row.time,
    actor: JSON.parse(row.actor),
    action: row.action,
    // subjectId is the column `audit show` queries by; reading the id from it puts that column
    // under the hash too, so an edited subjectId shows as a changed record
    subject: { ...JSON.parse(row.subject), id: row.subjectId },
    before: JSON.parse(row.before),
    after: JSON.parse(row.after),
    correlationId: row.correlationId,
  };
}

export interface ChangeRow {
  seq: number;
  identityIds: string;
  groupNames: string;
  at: string;
}

export function changeFromRow(row: ChangeRow): ChangeEvent {
  return { seq: row.seq, identityIds: JSON.parse(row.identityIds), groupNames: JSON.parse(row.groupNames), at: row.at };
}

/** JSON columns hold whole domain objects; parse a list of them in one pass. */
export function parseAll<T>(rows: unknown[]): T[] {
  return rows.map((text) => JSON.parse(text as string) as T);
}

/** Empty strings never identify anyone: stored and looked up as "no mail". */
export function mailKey(mail: string | null | undefined): string | null {
  return mail ? mail.toLowerCase() : null;
}

/**
 * Identity rows keep provenance compact: most attributes come from one record by one rule, so that
 * entry is written once with the attribute names it covers (`provenanceShared`) instead of once per
 * attribute. It halves the row (a 100,000-person sync writes and parses far less); rows written
 * before, with plain provenance, read back unchanged.
 */
interface SharedProvenance {
  value: Identity['provenance'][string];
  keys: string[];
}

export function identityToJson(identity: Identity): string {
  const shared = commonProvenance(identity.provenance);
  if (!shared) return JSON.stringify(identity);
  const rest: Identity['provenance'] = {};
  for (const key in identity.provenance) if (!shared.keys.includes(key)) rest[key] = identity.provenance[key];
  return JSON.stringify({ ...identity, provenance: rest, provenanceShared: shared });
}

export function identityFromJson(text: string): Identity {
  const row = JSON.parse(text) as Identity & { provenanceShared?: SharedProvenance };
  const shared = row.provenanceShared;
  if (!shared) return row;
  delete row.provenanceShared;
  const provenance: Identity['provenance'] = {};
  for (const key of shared.keys) provenance[key] = { ...shared.value };
  row.provenance = Object.assign(provenance, row.provenance);
  return row;
}

export function identitiesFromJson(rows: unknown[]): Identity[] {
  return rows.map((text) => identityFromJson(text as string));
}

/** The entry the first attribute has, when at least two attributes share it. */
function commonProvenance(provenance: Identity['provenance']): SharedProvenance | null {
  let value: Identity['provenance'][string] | null = null;
  const keys: string[] = [];
  for (const key in provenance) {
    const p = provenance[key];
    if (!value) value = p;
    if (p === value || (p.source === value.source && p.externalId === value.externalId && p.rule === value.rule)) keys.push(key);
  }
  return value && keys.length >= 2 ? { value, keys } : null;
}
