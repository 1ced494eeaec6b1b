import { parse, type CsvError } from 'csv-parse';
import type { Attributes } from '../../../domain/types';
import type { RawRecord, SourceProblem } from '../../../ports/source-connector';
import { planColumns, type ColumnPlan, type MissingColumn } from './columns';
import { ColumnInterner, forEachPlainRow } from './plain-csv';

/** What the bytes of an HR file hold, before any judgement about the run. */
export type ParsedFile =
  | { kind: 'rows'; records: RawRecord[]; problems: SourceProblem[]; dataRows: number }
  | { kind: 'empty' }
  | { kind: 'missing-columns'; missing: MissingColumn[] }
  /** the file ends inside a quoted field: cut, however whole its lines look */
  | { kind: 'unclosed-quote'; location: string };

interface Options {
  /** "path" as messages name it; rows are located as `${path}:${line}` */
  path: string;
  delimiter: string;
  columns: Record<string, string | null>;
}

export async function parseCsvData(data: Buffer, opts: Options): Promise<ParsedFile> {
  return parsePlain(data, opts) ?? parseWithCsvParse(data, opts);
}

class RowCollector {
  readonly records: RawRecord[] = [];
  readonly problems: SourceProblem[] = [];
  readonly interner = new ColumnInterner();
  columns: ColumnPlan | null = null;
  missing: MissingColumn[] | null = null;
  dataRows = 0;

  constructor(private readonly opts: Options) {}

  /** false once the header showed the file cannot be used */
  onRow(fields: string[], line: number | string): boolean {
    if (this.missing) return false;
    if (!this.columns) {
      this.columns = planColumns(fields, this.opts.columns);
      if (this.columns.missing.length) this.missing = this.columns.missing;
      return !this.missing;
    }
    this.dataRows++;
    const row = rowToRecord(fields, this.columns, `${this.opts.path}:${line}`, this.interner);
    if ('problem' in row) this.problems.push(row.problem);
    else this.records.push(row);
    return true;
  }

  onSkippedRow(problem: SourceProblem): void {
    this.dataRows++;
    this.problems.push(problem);
  }

  result(): ParsedFile {
    if (this.missing) return { kind: 'missing-columns', missing: this.missing };
    if (!this.columns) return { kind: 'empty' };
    return { kind: 'rows', records: this.records, problems: this.problems, dataRows: this.dataRows };
  }
}

/** A quote-free file split line by line (see plain-csv.ts); null when it needs the full parser. */
function parsePlain(data: Buffer, opts: Options): ParsedFile | null {
  const rows = new RowCollector(opts);
  const plain = forEachPlainRow(data, opts.delimiter, (fields, line) => void rows.onRow(fields, line));
  return plain ? rows.result() : null;
}

async function parseWithCsvParse(data: Buffer, opts: Options): Promise<ParsedFile> {
  const rows = new RowCollector(opts);
  let unclosed: string | null = null;
  // no `info` option: it builds an info object per row. The parser's running line count is read in
  // the 'data' handler instead; rows arrive synchronously as they are parsed, so the count is still
  // the line the row ended on (checked against `info.lines` on multi-line rows).
  const parser = parse({ bom: true, delimiter: opts.delimiter, relax_column_count: false, skip_empty_lines: true, skip_records_with_error: true });
  parser.on('skip', (err: CsvError) => {
    const location = `${opts.path}:${err.lines ?? '?'}`;
    if (err.code === 'CSV_QUOTE_NOT_CLOSED') unclosed = location;
    else rows.onSkippedRow({ location, message: `malformed row: ${err.message}` });
  });
  await new Promise<void>((resolve, reject) => {
    parser.on('data', (record: string[]) => {
      if (!rows.onRow(record, parser.info.lines)) {
        parser.destroy();
        resolve();
      }
    });
    parser.on('end', () => resolve());
    parser.on('error', reject);
    parser.end(data);
  });
  if (unclosed) return { kind: 'unclosed-quote', location: unclosed };
  return rows.result();
}

function rowToRecord(row: string[], columns: ColumnPlan, location: string, interner: ColumnInterner): RawRecord | { problem: SourceProblem } {
  const attributes: Attributes = {};
  for (const [attribute, index] of columns.indexOf) {
    const value = row[index];
    attributes[attribute] = value === undefined ? null : interner.intern(index, value);
  }
  const externalId = (attributes.employeeId ?? '').trim();
  if (!externalId) return { problem: { location, message: 'the employee id is empty' } };
  return { externalId, attributes, location };
}
