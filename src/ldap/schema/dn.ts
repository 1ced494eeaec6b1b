// Distinguished names, normalised for comparison (distinguishedNameMatch): attribute types by their
// schema name in lower case, values unescaped, case-folded and space-squashed, then re-escaped the
// same way, multi-valued RDNs sorted. `UID=JDoe , OU=People,dc=Example,DC=com` and
// `uid=jdoe,ou=people,dc=example,dc=com` normalise to the same string.
import { attributeType } from './attributes';

/** Splits on `sep` where it is not escaped by a backslash (and not inside a quoted value). */
function splitUnescaped(s: string, seps: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length) {
      cur += c + s[i + 1];
      i++;
    } else if (c === '"') {
      quoted = !quoted;
      cur += c;
    } else if (!quoted && seps.includes(c)) {
      out.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  out.push(cur);
  return out;
}

/** RFC 4514 value unescaping: `\,` and `\2c` forms, surrounding quotes. Null when malformed. */
function unescapeValue(raw: string): string | null {
  let v = raw.trim();
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
  if (!v.includes('\\')) return v;
  const bytes: number[] = [];
  for (let i = 0; i < v.length; i++) {
    const c = v[i];
    if (c !== '\\') {
      bytes.push(...Buffer.from(c));
      continue;
    }
    const next = v.slice(i + 1, i + 3);
    if (/^[0-9a-fA-F]{2}$/.test(next)) {
      bytes.push(parseInt(next, 16));
      i += 2;
    } else if (i + 1 < v.length) {
      bytes.push(...Buffer.from(v[i + 1]));
      i += 1;
    } else {
      return null;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Escapes a value for use inside a DN (RFC 4514 2.4). */
export function escapeDNValue(v: string): string {
  let out = v.replace(/[\\,+"<>;=]/g, (c) => `\\${c}`).replace(/\0/g, '\\00');
  if (out.startsWith(' ') || out.startsWith('#')) out = `\\${out}`;
  if (out.endsWith(' ') && !out.endsWith('\\ ')) out = `${out.slice(0, -1)}\\ `;
  return out;
}

function normalizeAva(ava: string): string | null {
  const eq = ava.indexOf('=');
  if (eq <= 0) return null;
  const typeRaw = ava.slice(0, eq).trim();
  if (!/^[A-Za-z][A-Za-z0-9-]*$|^\d+(\.\d+)*$/.test(typeRaw)) return null;
  const type = (attributeType(typeRaw)?.name ?? typeRaw).toLowerCase();
  const value = unescapeValue(ava.slice(eq + 1));
  if (value === null) return null;
  return `${type}=${normalizeRdnValue(value)}`;
}

/** A value as it appears in a normalised DN: folded like caseIgnoreMatch, then escaped. */
export function normalizeRdnValue(value: string): string {
  return escapeDNValue(value.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase());
}

/** Normal form of a DN, '' for the root DSE, null when the string is not a DN. */
export function normalizeDN(dn: string): string | null {
  if (dn.trim() === '') return '';
  const rdns: string[] = [];
  for (const rdn of splitUnescaped(dn, ',;')) {
    const avas: string[] = [];
    for (const ava of splitUnescaped(rdn, '+')) {
      const n = normalizeAva(ava);
      if (n === null) return null;
      avas.push(n);
    }
    rdns.push(avas.sort().join('+'));
  }
  return rdns.join(',');
}

/** The attribute type/value pairs of a DN as written (for extensible match with dnAttributes). */
export function dnAttributeValues(dn: string): { type: string; value: string }[] {
  const out: { type: string; value: string }[] = [];
  for (const rdn of splitUnescaped(dn, ',;')) {
    for (const ava of splitUnescaped(rdn, '+')) {
      const eq = ava.indexOf('=');
      if (eq <= 0) continue;
      const value = unescapeValue(ava.slice(eq + 1));
      if (value !== null) out.push({ type: ava.slice(0, eq).trim(), value });
    }
  }
  return out;
}
