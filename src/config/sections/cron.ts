import { z } from 'zod';
import cron from 'node-cron';

/** A node-cron expression; checked here so a bad one fails `config check`, not the daemon at start. */
export function cronExpression() {
  return z.string().refine((v) => cron.validate(v), { error: (iss) => `"${String(iss.input)}" is not a valid cron expression (e.g. "*/5 * * * *": minute hour day month weekday)` });
}
