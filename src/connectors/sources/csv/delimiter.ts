/**
 * Guesses ',' or ';' from the header line: whichever occurs more often outside quotes. European
 * spreadsheet exports use ';' because ',' is their decimal separator.
 */
export function detectDelimiter(headerLine: string): ',' | ';' {
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === ',') commas++;
    else if (!quoted && ch === ';') semicolons++;
  }
  return semicolons > commas ? ';' : ',';
}

/** The first line of a file's bytes (BOM stripped), decoding no more than its first 64 KiB. */
export function headerLineOf(data: Buffer): string {
  const text = data.subarray(0, 64 * 1024).toString('utf8').replace(/^\uFEFF/, '');
  return text.split(/\r?\n/, 1)[0] ?? '';
}
