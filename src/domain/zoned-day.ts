// Calendar days in a named time zone. HR dates (start, end) are days of the employer's calendar,
// not of UTC: a Sydney leaver's last day ends 11 hours before UTC's does. Intl carries the IANA
// database, so no date library is needed; formatters are cached because every record of a run asks.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat | null {
  let f = formatters.get(timeZone);
  if (f) return f;
  try {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  } catch {
    return null;
  }
  formatters.set(timeZone, f);
  return f;
}

/** Whether `name` is an IANA zone this runtime knows ("Australia/Sydney", "UTC"). */
export function isTimeZone(name: string): boolean {
  return name.trim() !== '' && formatterFor(name) !== null;
}

interface WallTime { y: number; mo: number; d: number; h: number; mi: number; s: number }

function wallTime(at: Date, timeZone: string): WallTime {
  const f = formatterFor(timeZone);
  if (!f) throw new Error(`unknown time zone "${timeZone}"`);
  const parts: Record<string, number> = {};
  for (const p of f.formatToParts(at)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { y: parts.year, mo: parts.month, d: parts.day, h: parts.hour, mi: parts.minute, s: parts.second };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** The yyyy-mm-dd the wall calendar of `timeZone` shows at the instant `at`. */
export function dayInZone(at: Date, timeZone: string): string {
  const w = wallTime(at, timeZone);
  return `${pad(w.y, 4)}-${pad(w.mo)}-${pad(w.d)}`;
}

/** The zone's offset from UTC at `at`, in ms (Sydney in January: +11 h). */
function offsetAt(at: Date, timeZone: string): number {
  const w = wallTime(at, timeZone);
  const asUtc = Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s);
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

/**
 * The instant the day `day` (yyyy-mm-dd) begins in `timeZone`. Where a DST change skips midnight,
 * the day begins at the first instant that exists (the wall clock's first reading of that day).
 */
export function startOfDayInZone(day: string, timeZone: string): Date {
  const [y, mo, d] = day.split('-').map(Number);
  const midnightAsUtc = Date.UTC(y, mo - 1, d);
  // two passes settle the offset even when the first guess lands on the other side of a change
  let guess = midnightAsUtc - offsetAt(new Date(midnightAsUtc), timeZone);
  guess = midnightAsUtc - offsetAt(new Date(guess), timeZone);
  if (dayInZone(new Date(guess), timeZone) < day) {
    // midnight did not exist (skipped forward): find the first minute of the day that does
    while (dayInZone(new Date(guess), timeZone) < day) guess += 60_000;
  }
  return new Date(guess);
}

/** The day after `day` (yyyy-mm-dd), calendar arithmetic only. */
export function nextDay(day: string): string {
  const [y, mo, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, mo - 1, d + 1)).toISOString().slice(0, 10);
}

/** The furthest-ahead zone on Earth is UTC+14 (Line Islands): no calendar anywhere shows a later day. */
const LATEST_OFFSET_MS = 14 * 3600_000;

/** The latest day any zone's calendar shows at `at`: a bound for "which dates may have passed somewhere". */
export function latestDayAnywhere(at: Date): string {
  return new Date(at.getTime() + LATEST_OFFSET_MS).toISOString().slice(0, 10);
}
