import * as crypto from 'node:crypto';

/**
 * Canonical JSON: object keys sorted, no whitespace, undefined dropped. Two equal values always
 * serialise to the same bytes, so hashes over it are stable across processes and backends.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  // Normalised attributes are flat and already in key order: the native serialiser gives the same bytes.
  if (isFlatSortedObject(value)) return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + canonicalJson(value[i] === undefined ? null : value[i]);
    return out + ']';
  }
  // Plain loops, not map/filter/join: every source record of every run is hashed through here.
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  let out = '{';
  let first = true;
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue;
    out += (first ? '' : ',') + JSON.stringify(k) + ':' + (typeof v === 'string' ? JSON.stringify(v) : canonicalJson(v));
    first = false;
  }
  return out + '}';
}

/**
 * A plain object whose keys are in ascending order and whose values are strings, null, booleans or
 * finite numbers: JSON.stringify writes it exactly as canonicalJson would. Integer-like keys are
 * excluded because objects list them first whatever order they were added in.
 */
function isFlatSortedObject(value: object): boolean {
  if (Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  let previous: string | null = null;
  for (const key in value) {
    if (previous !== null && !(previous < key)) return false;
    const c = key.charCodeAt(0);
    if (c >= 48 && c <= 57) return false;
    const v = (value as Record<string, unknown>)[key];
    if (v !== null && typeof v !== 'string' && typeof v !== 'boolean' && !(typeof v === 'number' && Number.isFinite(v) && !Object.is(v, -0))) return false;
    previous = key;
  }
  return true;
}

// One-shot hashing (Node >= 20.12) skips a Hash object per call; every record of every run is hashed.
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

export function sha256Hex(text: string): string {
  return oneShot ? oneShot('sha256', text, 'hex') : crypto.createHash('sha256').update(text).digest('hex');
}

export function contentHash(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}
