import pino from 'pino';
import type { Logger } from '../ports/logger';
import { redactCredentials, redactDeep } from '../util/redact';

/** Keys whose values never reach the operational log, at any depth we know of. */
export const REDACT_PATHS = [
  'password',
  'token',
  'secret',
  'clientSecret',
  'clientState',
  'privateKey',
  'authorization',
  '*.password',
  '*.token',
  '*.secret',
  '*.clientSecret',
  '*.clientState',
  '*.privateKey',
  '*.authorization',
  '*.passwordHash',
  'headers.authorization',
  'config.*.password',
  'config.*.token',
];

export type { Logger };

/** Operational log: pino JSON lines on stdout (or `destination`, for tests). */
export function createLogger(level = 'info', destination?: NodeJS.WritableStream): Logger {
  const opts: pino.LoggerOptions = {
    level,
    base: { svc: 'idsync' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    // a URL's password is redacted wherever it appears: in any field and in the message itself
    formatters: { log: (obj) => redactDeep(obj) },
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((a) => (typeof a === 'string' ? redactCredentials(a) : a)) as Parameters<typeof method>);
      },
    },
  };
  return destination ? pino(opts, destination as pino.DestinationStream) : pino(opts);
}

export { silentLogger } from '../ports/logger';
