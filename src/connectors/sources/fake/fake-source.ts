import type { FakeSourceConfig } from './config';
import type { Attributes } from '../../../domain/types';
import type { RawRecord, SourceConnector, SourceSnapshot } from '../../../ports/source-connector';

/**
 * Records written inline in config (canonical attribute names; `externalId` defaults to
 * `employeeId`). For demos and tests; `setRecords` lets a test change what the next read returns.
 */
export class FakeSource implements SourceConnector {
  readonly kind = 'fake';
  readonly name: string;
  readonly authoritative: boolean;
  private records: RawRecord[];
  /** when set, the next reads say they are incomplete for this reason */
  incompleteReason: string | null = null;

  constructor(cfg: Pick<FakeSourceConfig, 'name' | 'authoritative' | 'records'>) {
    this.name = cfg.name;
    this.authoritative = cfg.authoritative;
    this.records = toRawRecords(cfg.name, cfg.records);
  }

  setRecords(rows: Array<Record<string, string | null>>): void {
    this.records = toRawRecords(this.name, rows);
  }

  async read(): Promise<SourceSnapshot> {
    return {
      mode: 'full',
      complete: this.incompleteReason === null,
      records: structuredClone(this.records),
      problems: [],
      incompleteReason: this.incompleteReason,
      watermark: null,
    };
  }

  async readOne(externalId: string): Promise<RawRecord | null> {
    const found = this.records.find((r) => r.externalId === externalId);
    return found ? structuredClone(found) : null;
  }
}

function toRawRecords(source: string, rows: Array<Record<string, string | null>>): RawRecord[] {
  return rows.map((row, i) => {
    const { externalId, ...attributes } = row;
    const id = externalId ?? attributes.employeeId;
    if (!id) throw new Error(`source "${source}": records[${i}] has neither externalId nor employeeId`);
    return { externalId: id, attributes: attributes as Attributes, location: `records[${i}]` };
  });
}
