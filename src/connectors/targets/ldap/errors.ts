// LDAP result codes -> the engine's error classes. Codes that describe a passing server condition
// (busy, unavailable, time or admin limits) are retried; everything else about the request
// (schema, DN, access, credentials) is permanent. Socket and timeout errors are retried.
import { ResultCodeError } from 'ldapts';
import { PermanentTargetError, RetryableTargetError } from '../../../ports/target-connector';

/** RFC 4511 4.1.9: timeLimitExceeded 3, adminLimitExceeded 11, busy 51, unavailable 52, other 80 */
const TRANSIENT_CODES = new Set([3, 11, 51, 52, 80]);

export function mapLdapError(err: unknown, context: string): Error {
  if (err instanceof PermanentTargetError || err instanceof RetryableTargetError) return err;
  const e = err as Error & { code?: unknown };
  if (err instanceof ResultCodeError) {
    const message = `${context}: LDAP result ${err.code} (${err.name}): ${err.message}`;
    return TRANSIENT_CODES.has(err.code) ? new RetryableTargetError(message, undefined, err.code) : new PermanentTargetError(message, err.code);
  }
  return new RetryableTargetError(`${context}: ${e?.message ?? String(err)}${typeof e?.code === 'string' ? ` (${e.code})` : ''}`);
}

