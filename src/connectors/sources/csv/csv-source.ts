import { createReadStream } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { parse, type CsvError } from 'csv-parse';
import type { CsvSourceConfig } from '../../../config/sections/sources';
import type { Attributes } from '../../../domain/types';
import type { RawRecord, SourceConnector, SourceProblem, SourceSnapshot } from '../../../ports/source-connector';
import { planColumns, type ColumnPlan } from './columns';
import { detectDelimiter, readHeaderLine } from './delimiter';
import { ColumnInterner, forEachPlainRow } from './plain-csv';

/** The HR file named in config does not exist or cannot be read. */
export class SourceFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceFileError';
  }
}

/**
 * An HR export as a CSV file. Every read parses the whole file as a stream; a malformed row is
 * reported with its line and skipped, and makes the snapshot incomplete so nobody is removed
 * because of a broken export.
 */
export class CsvSource implements SourceConnector {
  readonly kind = 'csv';
  readonly name: string;
  readonly authoritative: boolean;
  readonly path: string;

  constructor(private readonly cfg: CsvSourceConfig, baseDir: string) {
    this.name = cfg.name;
    this.authoritative = cfg.authoritative;
    this.path = isAbsolute(cfg.path) ? cfg.path : resolve(baseDir, cfg.path);
  }

  async read(): Promise<SourceSnapshot> {
    await access(this.path).catch(() => {
      throw new SourceFileError(`source "${this.name}": HR file ${this.path} does not exist or cannot be read`);
    });
    const delimiter = this.cfg.delimiter === 'auto' ? detectDelimiter(await readHeaderLine(this.path)) : this.cfg.delimiter;
    return parseCsvFile(this.path, delimiter, this.cfg.columns);
  }

  async readOne(externalId: string): Promise<RawRecord | null> {
    const snapshot = await this.read();
    return snapshot.records.find((r) => r.externalId === externalId) ?? null;
  }
}

async function parseCsvFile(path: string, delimiter: string, overrides: Record<string, string>): Promise<SourceSnapshot> {
  const plain = await parsePlainCsvFile(path, delimiter, overrides);
  return plain ?? parseWithCsvParse(path, delimiter, overrides);
}

/** A quote-free file split line by line (see plain-csv.ts); null when it needs the full parser. */
async function parsePlainCsvFile(path: string, delimiter: string, overrides: Record<string, string>): Promise<SourceSnapshot | null> {
  const data = await readFile(path);
  const records: RawRecord[] = [];
  const interner = new ColumnInterner();
  const problems: SourceProblem[] = [];
  let columns: ColumnPlan | null = null;
  let missing: string[] | null = null;
  const plain = forEachPlainRow(data, delimiter, (fields, line) => {
    if (missing) return;
    if (!columns) {
      columns = planColumns(fields, overrides);
      if (columns.missingRequired.length) missing = columns.missingRequired;
      return;
    }
    const row = rowToRecord(fields, columns, `${path}:${line}`, interner);
    if ('problem' in row) problems.push(row.problem);
    else records.push(row);
  });
  if (!plain) return null;
  if (missing) return missingHeader(path, missing);
  if (!columns) return incomplete(records, problems, `HR file ${path} is empty: no header line`);
  const reason = problems.length ? `${problems.length} malformed row(s) in ${path}, first at ${problems[0].location}` : null;
  return reason ? incomplete(records, problems, reason) : { mode: 'full', complete: true, records, problems, incompleteReason: null, watermark: null };
}

async function parseWithCsvParse(path: string, delimiter: string, overrides: Record<string, string>): Promise<SourceSnapshot> {
  const records: RawRecord[] = [];
  const problems: SourceProblem[] = [];
  // no `info` option: it builds an info object per row. The parser's running line count is read in
  // the 'data' handler instead; in flowing mode rows arrive synchronously as they are parsed, so the
  // count is still the line the row ended on (checked against `info.lines` on multi-line rows).
  const input = createReadStream(path);
  const parser = input.pipe(
    parse({ bom: true, delimiter, relax_column_count: false, skip_empty_lines: true, skip_records_with_error: true }),
  );
  parser.on('skip', (err: CsvError) => {
    problems.push({ location: `${path}:${err.lines ?? '?'}`, message: `malformed row: ${err.message}` });
  });
  let columns: ColumnPlan | null = null;
  let missing: string[] | null = null;
  const interner = new ColumnInterner();
  await new Promise<void>((resolvePromise, reject) => {
    parser.on('data', (record: string[]) => {
      if (missing) return;
      if (!columns) {
        columns = planColumns(record, overrides);
        if (columns.missingRequired.length) {
          missing = columns.missingRequired;
          parser.destroy();
          resolvePromise();
        }
        return;
      }
      const row = rowToRecord(record, columns, `${path}:${parser.info.lines}`, interner);
      if ('problem' in row) problems.push(row.problem);
      else records.push(row);
    });
    parser.on('end', () => resolvePromise());
    parser.on('error', reject);
    input.on('error', reject);
  });
  if (missing) return missingHeader(path, missing);
  if (!columns) return incomplete(records, problems, `HR file ${path} is empty: no header line`);
  const reason = problems.length ? `${problems.length} malformed row(s) in ${path}, first at ${problems[0].location}` : null;
  return reason ? incomplete(records, problems, reason) : { mode: 'full', complete: true, records, problems, incompleteReason: null, watermark: null };
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

function missingHeader(path: string, missing: string[]): SourceSnapshot {
  const list = missing.map((c) => `"${c}"`).join(', ');
  return incomplete([], [{ location: `${path}:1`, message: `missing required column(s) ${list}` }], `HR file ${path} has no column ${list} in its header line`);
}

function incomplete(records: RawRecord[], problems: SourceProblem[], reason: string): SourceSnapshot {
  return { mode: 'full', complete: false, records, problems, incompleteReason: reason, watermark: null };
}
