import { access } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { CsvSourceConfig } from './config';
import { systemClock } from '../../../ports/clock';
import type { RawRecord, SourceConnector, SourceProblem, SourceSnapshot } from '../../../ports/source-connector';
import { REQUIRED_ATTRIBUTES, type MissingColumn } from './columns';
import { detectDelimiter, headerLineOf } from './delimiter';
import { checkRowCounts, takeIn, type FailedCheck } from './intake';
import { parseCsvData } from './parse-csv';
import { realTiming, type FileTiming } from './settle';

/** The HR file named in config does not exist or cannot be read, or a resync found it incomplete. */
export class SourceFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceFileError';
  }
}

/**
 * An HR export as a CSV file. A file that does not show it is whole (see intake.ts) or lacks a
 * mapped column is not used at all: the snapshot is incomplete and holds no record, because a cut
 * or shifted file makes every row doubtful, not only the ones that look broken. A malformed row in
 * an otherwise whole file is reported with its line and skipped, and makes the snapshot incomplete
 * so nobody is removed because of it.
 */
export class CsvSource implements SourceConnector {
  readonly kind = 'csv';
  readonly name: string;
  readonly authoritative: boolean;
  readonly path: string;

  constructor(
    private readonly cfg: CsvSourceConfig,
    baseDir: string,
    private readonly timing: FileTiming = realTiming(systemClock),
  ) {
    this.name = cfg.name;
    this.authoritative = cfg.authoritative;
    this.path = isAbsolute(cfg.path) ? cfg.path : resolve(baseDir, cfg.path);
  }

  async read(): Promise<SourceSnapshot> {
    await access(this.path).catch(() => {
      throw new SourceFileError(`source "${this.name}": HR file ${this.path} does not exist or cannot be read`);
    });
    const intake = await takeIn(this.path, this.cfg, this.timing);
    if (!intake.ok) return this.unusable(intake);
    const delimiter = this.cfg.delimiter === 'auto' ? detectDelimiter(headerLineOf(intake.data)) : this.cfg.delimiter;
    const parsed = await parseCsvData(intake.data, { path: this.path, delimiter, columns: this.cfg.columns });
    if (parsed.kind === 'empty') return incomplete([], [], `HR file ${this.path} is empty: no header line`);
    if (parsed.kind === 'missing-columns') return this.missingColumns(parsed.missing);
    if (parsed.kind === 'unclosed-quote') return this.unusable({ check: 'unclosed-quote', detail: `it ends inside a quoted field opened at ${parsed.location}, so its last row is cut` });
    const wrongCount = checkRowCounts(parsed.dataRows, intake.expected);
    if (wrongCount) return this.unusable(wrongCount);
    const { records, problems } = parsed;
    if (!problems.length) return { mode: 'full', complete: true, records, problems, incompleteReason: null, watermark: null };
    return incomplete(records, problems, `${problems.length} malformed row(s) in ${this.path}, first at ${problems[0].location}`);
  }

  /** The person's row of a file that passes every check; a file in doubt is an error, not "gone". */
  async readOne(externalId: string): Promise<RawRecord | null> {
    const snapshot = await this.read();
    if (snapshot.failedCheck) throw new SourceFileError(`source "${this.name}": ${snapshot.incompleteReason}`);
    return snapshot.records.find((r) => r.externalId === externalId) ?? null;
  }

  private unusable(failure: FailedCheck): SourceSnapshot {
    const reason = `HR file ${this.path} is incomplete (${failure.check} check): ${failure.detail}; none of its rows were used`;
    return { ...incomplete([], [{ location: this.path, message: reason }], reason), failedCheck: failure.check };
  }

  private missingColumns(missing: MissingColumn[]): SourceSnapshot {
    const required = missing.filter((m) => REQUIRED_ATTRIBUTES.includes(m.attribute));
    // without a required column the file is unusable whatever else it lacks, so only those are named
    const named = required.length ? required : missing;
    const list = named.map((m) => `"${m.column}"`).join(', ');
    const hint = required.length ? '' : `; map ${named.map((m) => `${m.attribute}: null`).join(', ')} under columns: if the file deliberately lacks it`;
    const reason = `HR file ${this.path} has no column ${list} in its header line${hint}`;
    const problems: SourceProblem[] = [{ location: `${this.path}:1`, message: `missing ${required.length ? 'required ' : 'mapped '}column(s) ${list}` }];
    return { ...incomplete([], problems, reason), failedCheck: 'columns' };
  }
}

function incomplete(records: RawRecord[], problems: SourceProblem[], reason: string): SourceSnapshot {
  return { mode: 'full', complete: false, records, problems, incompleteReason: reason, watermark: null };
}
