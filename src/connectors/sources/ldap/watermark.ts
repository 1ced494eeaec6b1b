// What an ldap source remembers between runs, serialised into the run's watermark string.
export interface LdapWatermark {
  flavor: 'openldap' | 'ad';
  /** openldap: highest modifyTimestamp seen (generalized time); ad: highest USN to read above */
  mark: string | null;
  /** ad: the DC the USN belongs to */
  dc?: string;
  /** incremental runs since the last full read */
  sinceFull: number;
}

export function parseWatermark(raw: string | null, flavor: LdapWatermark['flavor']): LdapWatermark | null {
  if (!raw) return null;
  try {
    const w = JSON.parse(raw) as LdapWatermark;
    if (w && w.flavor === flavor && typeof w.sinceFull === 'number' && (w.mark === null || typeof w.mark === 'string')) return w;
  } catch {
    // a watermark from another kind or version: start over with a full read
  }
  return null;
}

/** Generalized times of one server compare as strings once they have the same shape (YYYYmmddHHMMSS[.f]Z). */
export function laterTime(a: string | null, b: string | undefined): string | null {
  if (!b) return a;
  if (!a) return b;
  return b > a ? b : a;
}

export function higherUsn(a: string | null, b: string | undefined): string | null {
  if (!b || !/^\d+$/.test(b)) return a;
  if (!a) return b;
  return BigInt(b) > BigInt(a) ? b : a;
}
