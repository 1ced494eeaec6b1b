import { parse } from 'csv-parse/sync';
import { ColumnInterner, forEachPlainRow } from '../../src/connectors/sources/csv/plain-csv';

/** What csv-parse (the options the CSV source uses) makes of a text: fields and the line each row ends on. */
function viaCsvParse(text: string, delimiter: string): Array<[string[], number]> {
  const rows = parse(text, { bom: true, delimiter, relax_column_count: false, skip_empty_lines: true, info: true }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  return rows.map((r) => [r.record, r.info.lines]);
}

function viaPlain(text: string, delimiter: string): Array<[string[], number]> | null {
  const out: Array<[string[], number]> = [];
  return forEachPlainRow(Buffer.from(text), delimiter, (fields, line) => out.push([fields, line])) ? out : null;
}

describe('quote-free CSV fast path', () => {
  it.each([
    ['LF, trailing newline', 'employee_id,first_name\nE1,José\nE2,Łukasz\n', ','],
    ['CRLF, no trailing newline, empty lines', 'employee_id;first_name\r\n\r\nE1;Zoë\r\n\r\nE2; spaced \r\nE3;', ';'],
    ['BOM, empty fields, apostrophes', "\uFEFFemployee_id,last_name,end_date\nE1,O'Brien,\n\n\nE2,,2026-01-31\n", ','],
    ['header only', 'employee_id,first_name\n', ','],
    ['non-Latin names next to ASCII lines', 'employee_id,first_name\nE1,太郎\nE2,Ann\n', ','],
  ])('gives exactly what csv-parse gives: %s', (_name, text, delimiter) => {
    expect(viaPlain(text, delimiter)).toEqual(viaCsvParse(text, delimiter));
  });

  it.each([
    ['a quote anywhere', 'employee_id,title\nE1,"Engineer, Platform"\n'],
    ['rows of different widths (csv-parse reports them)', 'employee_id,title\nE1\nE2,Engineer\n'],
    ['a bare CR line end', 'employee_id,title\rE1,Engineer\r'],
  ])('hands the file to csv-parse when it has %s', (_name, text) => {
    expect(forEachPlainRow(Buffer.from(text), ',', () => undefined)).toBe(false);
  });
});

describe('ColumnInterner', () => {
  it('returns every value unchanged, whether its column is interned or turned out mostly distinct', () => {
    const interner = new ColumnInterner();
    const a = interner.intern(0, ['Eng', 'ineering'].join(''));
    const b = interner.intern(0, ['Engineer', 'ing'].join(''));
    expect(b).toBe('Engineering');
    expect(Object.is(a, b)).toBe(true);
    for (let i = 0; i < 2_000; i++) interner.intern(1, `E${i}`);
    // the column turned out distinct: values pass through as they came, still equal
    expect(interner.intern(1, 'E5')).toBe('E5');
    expect(interner.intern(0, 'Engineering')).toBe(a);
  });
});
