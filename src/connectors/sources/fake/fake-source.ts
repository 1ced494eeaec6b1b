import type { FakeSourceConfig } from './config';
import type { Attributes } from '../../../domain/types';
import type { RawRecord, SourceConnector, SourceProblem, SourceSnapshot } from '../../../ports/source-connector';

/**
 * Records written inline in config (canonical attribute names; `externalId` defaults to
 * `employeeId`). For demos and tests; `setRecords` lets a test change what the next read returns.
 */
export class FakeSource implements SourceConnector {
  readonly kind = 'fake';
  readonly name: string;
  readonly authoritative: boolean;
  private records: RawRecord[] = [];
  private problems: SourceProblem[] = [];
  /** when set, the next reads say they are incomplete for this reason */
  incompleteReason: string | null = null;

  constructor(cfg: Pick<FakeSourceConfig, 'name' | 'authoritative' | 'records'>) {
    this.name = cfg.name;
    this.authoritative = cfg.authoritative;
    this.setRecords(cfg.records);
  }

  setRecords(rows: Array<Record<string, string | null>>): void {
    ({ records: this.records, problems: this.problems } = toRawRecords(rows));
  }

  async read(): Promise<SourceSnapshot> {
    // a record nobody can identify could be anyone, so a read with one removes nobody
    const reason = this.incompleteReason ?? (this.problems.length ? `${this.problems.length} record(s) without a key, first at ${this.problems[0].location}` : null);
    return {
      mode: 'full',
      complete: reason === null,
      records: structuredClone(this.records),
      problems: structuredClone(this.problems),
      incompleteReason: reason,
      watermark: null,
    };
  }

  async readOne(externalId: string): Promise<RawRecord | null> {
    const found = this.records.find((r) => r.externalId === externalId);
    return found ? structuredClone(found) : null;
  }
}

function toRawRecords(rows: Array<Record<string, string | null>>): { records: RawRecord[]; problems: SourceProblem[] } {
  const records: RawRecord[] = [];
  const problems: SourceProblem[] = [];
  rows.forEach((row, i) => {
    const { externalId, ...attributes } = row;
    const id = externalId ?? attributes.employeeId;
    if (!id) problems.push({ location: `records[${i}]`, message: 'has neither externalId nor employeeId' });
    else records.push({ externalId: id, attributes: attributes as Attributes, location: `records[${i}]` });
  });
  return { records, problems };
}
