/**
 * Normalised DN for comparisons: lower-cased, no spaces around `,` `=` `+`. Enough for the DNs idsync
 * serves (no escaped separators in usernames); anything fancier is compared literally.
 */
export function normalizeDN(dn: string): string {
  return dn
    .trim()
    .replace(/\s*([,=+])\s*/g, '$1')
    .toLowerCase();
}
