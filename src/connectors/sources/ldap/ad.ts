// Active Directory value formats. Pure conversions, kept apart so they are unit-tested without a DC.

/**
 * objectGUID (16 bytes) as the dashed GUID AD tools show: the first three groups are stored
 * little-endian, the last two in byte order.
 */
export function formatObjectGuid(bytes: Buffer): string {
  if (bytes.length !== 16) throw new Error(`objectGUID must be 16 bytes, got ${bytes.length}`);
  const hex = (i: number[]) => i.map((n) => bytes[n].toString(16).padStart(2, '0')).join('');
  return [hex([3, 2, 1, 0]), hex([5, 4]), hex([7, 6]), hex([8, 9]), hex([10, 11, 12, 13, 14, 15])].join('-');
}

/** ACCOUNTDISABLE flag of userAccountControl. */
export const UAC_ACCOUNTDISABLE = 2;

/** Whether a userAccountControl value (decimal string) marks the account disabled; null when unreadable. */
export function isDisabled(userAccountControl: string | undefined): boolean | null {
  if (userAccountControl === undefined || !/^-?\d+$/.test(userAccountControl.trim())) return null;
  return (Number(userAccountControl) & UAC_ACCOUNTDISABLE) !== 0;
}

const NEVER = 0x7fffffffffffffffn;
/** 100-ns intervals between 1601-01-01 and 1970-01-01 */
const EPOCH_DIFF = 116444736000000000n;
const DAY_MS = 86_400_000;

/**
 * accountExpires (100-ns intervals since 1601, UTC) -> idsync's endDate (the last day with access).
 * AD expires the account at that instant, which ADUC sets to midnight after the chosen day in the
 * DC's local time; the UTC day before the instant's day never leaves access past AD's own expiry.
 * 0 and 0x7FFFFFFFFFFFFFFF mean never: null. Throws on a value that is not a number.
 */
export function accountExpiresToEndDate(value: string | undefined): string | null {
  if (value === undefined || value.trim() === '') return null;
  if (!/^\d+$/.test(value.trim())) throw new Error(`accountExpires "${value}" is not a number`);
  const ticks = BigInt(value.trim());
  if (ticks === 0n || ticks >= NEVER) return null;
  const ms = Number((ticks - EPOCH_DIFF) / 10000n);
  const dayStart = Math.floor(ms / DAY_MS) * DAY_MS;
  return new Date(dayStart - DAY_MS).toISOString().slice(0, 10);
}

/** The dashed GUID back to objectGUID's stored bytes, escaped for an LDAP filter (\hh each). */
export function objectGuidFilterValue(guid: string): string {
  const hex = guid.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new Error(`"${guid}" is not a GUID`);
  const b = (i: number) => hex.slice(i * 2, i * 2 + 2);
  const order = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];
  return order.map((i) => `\\${b(i)}`).join('');
}
