// The keys every source has, whatever its kind. Each kind's schema spreads `baseSourceShape` into
// its own strict object, so these keys mean the same everywhere and are validated in one place.
import { z } from 'zod';
import cron from 'node-cron';
import { safetySchema } from '../../config/sections/core';

/** A node-cron expression; checked here so a bad one fails `config check`, not the daemon at start. */
export function cronExpression() {
  return z.string().refine((v) => cron.validate(v), { error: (iss) => `"${String(iss.input)}" is not a valid cron expression (e.g. "*/5 * * * *": minute hour day month weekday)` });
}

/** A JavaScript regular expression, checked here so `config check` names the one that does not compile. */
export function regexPattern() {
  return z.string().min(1).refine((pattern) => compiles(pattern), { message: 'is not a valid regular expression' });
}

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

/**
 * The `groups` keys every source that brings groups has. The connector reports group names as the
 * vendor shows them; the prefix is put before them once, where groups are stored.
 */
export const sourceGroupsFields = {
  /** only groups whose name matches one of these (every group when empty) */
  include: z.array(regexPattern()).default([]),
  /** put before every group name, to keep them apart from other sources' and role groups */
  prefix: z.string().default(''),
};

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
