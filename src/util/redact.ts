// Credentials inside URLs (redis://:secret@host, mongodb://user:secret@h1,h2/db) must never reach a
// log line, an error message or CLI output: every such edge passes its text through these helpers.

export const REDACTED = '[redacted]';

// scheme://user:password@ - the password runs up to the last '@' before the path or whitespace, so
// an unencoded '@' inside it does not leak its tail.
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)([^\s/@:]*):([^\s/]*)@/gi;

/** The text with the password of every URL in it replaced; the user name and host stay readable. */
export function redactCredentials(text: string): string {
  if (!text.includes('://')) return text;
  return text.replace(URL_CREDENTIALS, (_m, scheme: string, user: string) => `${scheme}${user}:${REDACTED}@`);
}

/**
 * A copy of a log object with URL credentials redacted in every string, to a bounded depth (log
 * objects are small; a deeper value is left as it is rather than walked without limit).
 */
export function redactDeep<T>(value: T, depth = 6): T {
  if (typeof value === 'string') return redactCredentials(value) as T;
  if (depth <= 0 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth - 1)) as T;
  if (value instanceof Error) return redactDeep({ name: value.name, message: value.message, stack: value.stack }, depth) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = redactDeep(v, depth - 1);
  return out as T;
}
