import { open, readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { CsvSourceConfig } from './config';
import { sameSignature, signatureOf, waitUntilSettled, type FileSignature, type FileTiming } from './settle';

/** The completeness checks a file can fail, as reasons and logs name them. */
export type IntakeCheck = 'settle' | 'done-marker' | 'stable-read' | 'final-newline' | 'trailer' | 'row-count' | 'columns' | 'unclosed-quote';

export interface FailedCheck {
  check: IntakeCheck;
  /** what is wrong, said about the file */
  detail: string;
}

/** A row count the file must match, and who claims it. */
export interface ExpectedRows {
  count: number;
  claimedBy: string;
}

export type Intake = { ok: true; data: Buffer; expected: ExpectedRows[] } | ({ ok: false } & FailedCheck);

type IntakeConfig = Pick<CsvSourceConfig, 'settleSeconds' | 'settleTimeoutSeconds' | 'doneFile' | 'trailer'>;

/**
 * Takes in an HR file only once it shows it is whole: settled, its completion marker (if any)
 * present and newer than it, unchanged while read, ending with a line break, and carrying its
 * trailer (if configured). Returns the bytes to parse (trailer removed) and the row counts they
 * must have, or the first check that failed.
 */
export async function takeIn(path: string, cfg: IntakeConfig, timing: FileTiming): Promise<Intake> {
  const settled = await waitUntilSettled(path, cfg.settleSeconds * 1000, cfg.settleTimeoutSeconds * 1000, timing);
  if (!settled.settled) {
    const waited = Math.round(settled.waitedMs / 1000);
    return failed('settle', `it was still changing after ${waited} s of waiting (its size or modification time did not stay the same for ${cfg.settleSeconds} s)`);
  }
  const expected: ExpectedRows[] = [];
  if (cfg.doneFile) {
    const done = await checkDoneMarker(path, cfg.doneFile, settled.signature);
    if ('check' in done) return { ok: false, ...done };
    if (done.rows !== null) expected.push(done.rows);
  }
  const read = await readUnchanged(path, settled.signature);
  if ('check' in read) return { ok: false, ...read };
  let data = read.data;
  if (data.length === 0) return { ok: true, data, expected };
  const last = data[data.length - 1];
  if (last !== LF && last !== CR) return failed('final-newline', 'it does not end with a line break, so its last line may be cut');
  if (cfg.trailer) {
    const trailer = splitTrailer(data, cfg.trailer.pattern);
    if ('check' in trailer) return { ok: false, ...trailer };
    data = trailer.body;
    if (trailer.rows !== null) expected.push(trailer.rows);
  }
  return { ok: true, data, expected };
}

/** Each claimed row count against the data rows parsed (a quoted field spanning lines is one row). */
export function checkRowCounts(dataRows: number, expected: ExpectedRows[]): FailedCheck | null {
  const wrong = expected.find((e) => e.count !== dataRows);
  return wrong ? { check: 'row-count', detail: `${wrong.claimedBy} says ${wrong.count} data row(s), the file has ${dataRows}` } : null;
}

const LF = 0x0a;
const CR = 0x0d;

function failed(check: IntakeCheck, detail: string): Intake {
  return { ok: false, check, detail };
}

async function checkDoneMarker(path: string, cfg: NonNullable<IntakeConfig['doneFile']>, csv: FileSignature): Promise<FailedCheck | { rows: ExpectedRows | null }> {
  const marker = isAbsolute(cfg.path) ? cfg.path : resolve(dirname(path), cfg.path);
  const info = await stat(marker).catch(() => null);
  if (!info) return { check: 'done-marker', detail: `its completion marker ${marker} does not exist (yet)` };
  // a marker older than the file belongs to an earlier drop: the new file may still be arriving
  if (info.mtimeMs < csv.mtimeMs) return { check: 'done-marker', detail: `its completion marker ${marker} is older than the file (left from an earlier drop?)` };
  if (!cfg.rowCount) return { rows: null };
  const text = (await readFile(marker, 'utf8')).trim();
  if (!/^\d+$/.test(text)) return { check: 'done-marker', detail: `its completion marker ${marker} does not hold a row count (a whole number), it holds "${text.slice(0, 40)}"` };
  return { rows: { count: Number(text), claimedBy: `the completion marker ${marker}` } };
}

/** Reads through one descriptor and checks the file is the settled one before and after. */
async function readUnchanged(path: string, settled: FileSignature): Promise<FailedCheck | { data: Buffer }> {
  const handle = await open(path, 'r');
  try {
    const before = signatureOf(await handle.stat());
    const data = await handle.readFile();
    const after = signatureOf(await handle.stat());
    if (!sameSignature(settled, before) || !sameSignature(before, after)) {
      return { check: 'stable-read', detail: 'it changed while it was being read' };
    }
    return { data };
  } finally {
    await handle.close();
  }
}

/** The last line must match the trailer pattern; it is not a data row. */
function splitTrailer(data: Buffer, pattern: string): FailedCheck | { body: Buffer; rows: ExpectedRows | null } {
  let end = data.length;
  while (end > 0 && (data[end - 1] === LF || data[end - 1] === CR)) end--;
  // lastIndexOf with a negative offset counts from the end, so an all-blank file is handled apart
  const start = end === 0 ? 0 : Math.max(data.lastIndexOf(LF, end - 1), data.lastIndexOf(CR, end - 1)) + 1;
  const line = data.toString('utf8', start, end);
  const match = new RegExp(pattern).exec(line);
  if (!match) return { check: 'trailer', detail: `its last line does not match the trailer pattern ${pattern} (cut, or written without its trailer)` };
  const body = data.subarray(0, start);
  if (match.length < 2 || match[1] === undefined) return { body, rows: null };
  if (!/^\d+$/.test(match[1])) return { check: 'trailer', detail: `its trailer's row count "${match[1]}" is not a whole number` };
  return { body, rows: { count: Number(match[1]), claimedBy: 'its trailer' } };
}
