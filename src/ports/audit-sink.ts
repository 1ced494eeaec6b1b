import type { AuditRecord } from '../domain/types';

/** Where committed audit records are carried out to (winston transports: JSON lines, syslog). */
export interface AuditSink {
  write(record: AuditRecord): void;
  close(): Promise<void>;
}
