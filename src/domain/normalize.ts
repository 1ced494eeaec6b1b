import type { Attributes } from './types';

/** The only HR statuses idsync understands; anything else is a data error, not a guess. */
export const HR_STATUSES = ['active', 'leave', 'terminated'] as const;
export type HrStatus = (typeof HR_STATUSES)[number];

// Spellings HR exports commonly use for the same three states.
const STATUS_SYNONYMS: Record<string, HrStatus> = {
  active: 'active',
  leave: 'leave',
  'on leave': 'leave',
  on_leave: 'leave',
  'on-leave': 'leave',
  terminated: 'terminated',
};

const DATE_ATTRIBUTES = ['startDate', 'endDate'];

export type Normalised = { ok: true; attributes: Attributes } | { ok: false; errors: string[] };

/**
 * Raw source attributes -> canonical attributes: NFC, trimmed, empty -> null, mail lower-cased,
 * dates checked as real yyyy-mm-dd days, status folded to active|leave|terminated.
 * Returns every problem of the record at once so the operator fixes the row in one go.
 */
export function normaliseAttributes(raw: Attributes): Normalised {
  const attributes: Attributes = {};
  const errors: string[] = [];
  for (const [key, value] of Object.entries(raw)) attributes[key] = cleanText(value);

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
    attributes.displayName = [attributes.givenName, attributes.sn].filter(Boolean).join(' ');
  }
  return errors.length ? { ok: false, errors } : { ok: true, attributes };
}

function cleanText(value: string | null | undefined): string | null {
  if (value == null) return null;
  const trimmed = String(value).normalize('NFC').trim();
  return trimmed === '' ? null : trimmed;
}

export function isIsoDay(value: string): boolean {
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
