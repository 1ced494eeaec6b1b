// The keys every source has, whatever its kind. Each kind's schema spreads `baseSourceShape` into
// its own strict object, so these keys mean the same everywhere and are validated in one place.
import { z } from 'zod';
import cron from 'node-cron';
import { safetySchema } from '../../config/sections/core';

/** A node-cron expression; checked here so a bad one fails `config check`, not the daemon at start. */
export function cronExpression() {
  return z.string().refine((v) => cron.validate(v), { error: (iss) => `"${String(iss.input)}" is not a valid cron expression (e.g. "*/5 * * * *": minute hour day month weekday)` });
}

export const joinRuleSchema = z.enum(['employeeId', 'mail']);
export type JoinRule = z.infer<typeof joinRuleSchema>;

export const sourceNameSchema = z.string().regex(/^[a-z][a-z0-9_-]*$/i, 'use letters, digits, "-" and "_", starting with a letter');

export const baseSourceShape = {
  name: sourceNameSchema,
  schedule: cronExpression().default('*/5 * * * *'),
  /** whether a person missing from a complete export is a leaver */
  authoritative: z.boolean().default(true),
  /** ordered join rules: the first rule with exactly one candidate joins */
  join: z.array(joinRuleSchema).min(1).default(['employeeId', 'mail']),
  /** attribute precedence: lower wins when two sources give the same attribute */
  precedence: z.number().int().default(100),
  /** per-attribute precedence override: { title: 10 } */
  attributePrecedence: z.record(z.string(), z.number().int()).default({}),
  safety: safetySchema.prefault({}),
};

export type BaseSourceConfig = z.infer<z.ZodObject<typeof baseSourceShape>>;
