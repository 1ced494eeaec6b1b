// Row <-> domain mapping for the tables whose columns are not a single JSON `data` blob.
import type { AuditRecord } from '../../domain/types';
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

export function auditFromRow(row: AuditRow): AuditRecord {
  return {
    seq: row.seq,
    prevHash: row.prevHash,
    hash: row.hash,
    time: row.time,
    actor: JSON.parse(row.actor),
    action: row.action,
    subject: JSON.parse(row.subject),
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
