import type { Attributes } from './types';

/** The only HR statuses idsync understands; anything else is a data error, not a guess. */
export const HR_STATUSES = ['active', 'leave', 'terminated', 'prehire'] as const;
export type HrStatus = (typeof HR_STATUSES)[number];

// Spellings HR exports commonly use for the same states. "prehire" is for sources that say so
// outright (Okta's STAGED) rather than through a start date still ahead.
const STATUS_SYNONYMS: Record<string, HrStatus> = {
  active: 'active',
  leave: 'leave',
  'on leave': 'leave',
  on_leave: 'leave',
  'on-leave': 'leave',
  terminated: 'terminated',
  prehire: 'prehire',
  'pre-hire': 'prehire',
};

const DATE_ATTRIBUTES = ['startDate', 'endDate'];

export type Normalised = { ok: true; attributes: Attributes } | { ok: false; errors: string[] };

/**
 * Raw source attributes -> canonical attributes: NFC, trimmed, empty -> null, mail lower-cased,
 * dates checked as real yyyy-mm-dd days, status folded to active|leave|terminated|prehire.
 * Returns every problem of the record at once so the operator fixes the row in one go.
 */
export function normaliseAttributes(raw: Attributes): Normalised {
  const attributes: Attributes = {};
  const errors: string[] = [];
  // keys in sorted order: the canonical form, so hashing the result needs no re-ordering
  for (const key of sortedKeysOf(raw)) {
    if (key === 'displayName' && raw.displayName === undefined) attributes.displayName = null;
    else attributes[key] = cleanText(raw[key]);
  }

  if (attributes.mail) attributes.mail = attributes.mail.toLowerCase();
  for (const key of DATE_ATTRIBUTES) {
    const value = attributes[key];
    if (value != null && !isIsoDay(value)) errors.push(`${key} "${value}" is not a valid date (expected yyyy-mm-dd)`);
  }
  if (attributes.status != null) {
    const status = STATUS_SYNONYMS[attributes.status.toLowerCase()];
    if (status) attributes.status = status;
    else errors.push(`status "${attributes.status}" is not one of ${HR_STATUSES.join(', ')}`);
  }
  if (attributes.displayName == null && (attributes.givenName || attributes.sn)) {
    attributes.displayName = attributes.givenName && attributes.sn ? `${attributes.givenName} ${attributes.sn}` : (attributes.givenName || attributes.sn) as string;
  } else if (attributes.displayName === null && raw.displayName === undefined) {
    delete attributes.displayName;
  }
  return errors.length ? { ok: false, errors } : { ok: true, attributes };
}

// Every record of a source has the same attribute names: remember the last sorted list.
let lastKeys: string[] = [];
let lastSorted: string[] = [];

/** The attribute names, plus displayName (derived when missing), in ascending order. */
function sortedKeysOf(raw: Attributes): string[] {
  const keys = Object.keys(raw);
  if (!('displayName' in raw)) keys.push('displayName');
  if (keys.length === lastKeys.length && keys.every((k, i) => k === lastKeys[i])) return lastSorted;
  lastKeys = keys;
  lastSorted = [...keys].sort();
  return lastSorted;
}

function cleanText(value: string | null | undefined): string | null {
  if (value == null) return null;
  const trimmed = String(value).normalize('NFC').trim();
  return trimmed === '' ? null : trimmed;
}

// HR files repeat a few thousand distinct dates across 100,000 people: check each once.
const checkedDays = new Map<string, boolean>();

export function isIsoDay(value: string): boolean {
  let ok = checkedDays.get(value);
  if (ok === undefined) {
    ok = checkIsoDay(value);
    if (checkedDays.size >= 50_000) checkedDays.clear();
    checkedDays.set(value, ok);
  }
  return ok;
}

function checkIsoDay(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  // Date.UTC rolls 2026-02-30 over to March; a real day survives the round trip.
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** The calendar day (UTC) a clock reading falls on, comparable with ISO dates as strings. */
export function isoDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}
