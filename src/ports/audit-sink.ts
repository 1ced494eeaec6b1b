import type { AuditRecord } from '../domain/types';

/**
 * A copy of the audit trail outside the store (JSON-lines file, syslog, signed checkpoints). The
 * exporter drives every sink from the store's audit table: it asks where the sink stands, hands it
 * the records after that in seq order, and moves on only once `write` resolved.
 */
export interface AuditSink {
  /** stable name: the key of a cursor kept in the store, and what `audit verify` reports */
  readonly name: string;
  /** the last seq this sink holds (0 when none); the exporter resumes after it */
  position(): Promise<number>;
  /** appends records that follow the position; resolves once they are durable (file) or sent (syslog) */
  write(records: AuditRecord[]): Promise<void>;
  close(): Promise<void>;
}

/** Where a sink that cannot read its own position back keeps it (the store's meta). */
export interface AuditCursorStore {
  exportCursor(sink: string): Promise<number>;
  saveExportCursor(sink: string, seq: number): Promise<void>;
}
