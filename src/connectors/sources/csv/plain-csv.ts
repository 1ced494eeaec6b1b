/**
 * The fast path for the common HR export: a file without a single double quote. Then a record is a
 * non-empty line and a field is what lies between delimiters, which splitting gives in a fraction
 * of csv-parse's time. Anything else (a quote anywhere, a bare CR, rows of different widths) returns
 * false (after `onRow` may have seen some rows: the caller drops what it built) and the caller uses
 * csv-parse, so the outcome, messages included, is always csv-parse's.
 * Lines are decoded one by one, like csv-parse does: an ASCII line stays a one-byte string even
 * when another line of the file has a non-Latin name (a whole-file string would be two-byte).
 */
export function forEachPlainRow(data: Buffer, delimiter: string, onRow: (fields: string[], line: number) => void): boolean {
  if (data.includes(0x22) || delimiter.length === 0) return false;
  let width = -1;
  let lineNo = 0;
  let start = data.length >= 3 && data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf ? 3 : 0;
  while (start < data.length) {
    let end = data.indexOf(0x0a, start);
    if (end === -1) end = data.length;
    lineNo++;
    const stop = end > start && data[end - 1] === 0x0d ? end - 1 : end;
    const from = start;
    start = end + 1;
    if (stop === from) continue;
    const line = data.toString('utf8', from, stop);
    if (line.includes('\r')) return false;
    const fields = line.split(delimiter);
    if (width === -1) width = fields.length;
    else if (fields.length !== width) return false;
    onRow(fields, lineNo);
  }
  return true;
}

/**
 * HR columns like department, title, status or dates repeat a handful of values across 100,000
 * rows; one shared string per value instead of one per row. A column stops being interned once it
 * shows itself mostly distinct (names, ids, mails), so the table stays small.
 */
export class ColumnInterner {
  private readonly tables = new Map<number, Map<string, string> | null>();

  intern(column: number, value: string): string {
    let table = this.tables.get(column);
    if (table === null) return value;
    if (!table) this.tables.set(column, (table = new Map()));
    const hit = table.get(value);
    if (hit !== undefined) return hit;
    if (table.size >= MAX_DISTINCT) {
      this.tables.set(column, null);
      return value;
    }
    table.set(value, value);
    return value;
  }
}

const MAX_DISTINCT = 2_000;
