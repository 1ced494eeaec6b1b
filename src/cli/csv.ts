// CSV for spreadsheets (RFC 4180 quoting), safe to open: a cell a spreadsheet would read as a
// formula (starting with = + - @, or a tab or carriage return before one) is prefixed with '.
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) || safe !== safe.trim() ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvLine(cells: string[]): string {
  return cells.map(csvCell).join(',');
}

/** Header and rows, CRLF line ends as RFC 4180 writes them. */
export function toCsv(header: string[], rows: string[][]): string {
  return [header, ...rows].map(csvLine).join('\r\n') + '\r\n';
}
