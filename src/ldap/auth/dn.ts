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

/** `uid=<u>,ou=people,<base>` -> `<u>`; null for any other shape. */
export function usernameFromPersonDN(ndn: string, nbase: string): string | null {
  const suffix = `,ou=people,${nbase}`;
  if (!ndn.startsWith('uid=') || !ndn.endsWith(suffix)) return null;
  const u = ndn.slice(4, ndn.length - suffix.length);
  return u && !/[,=+]/.test(u) ? u : null;
}
