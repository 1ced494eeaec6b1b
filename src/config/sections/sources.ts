import { z } from 'zod';
import cron from 'node-cron';
import { safetySchema } from './core';

/** A node-cron expression; checked here so a bad one fails `config check`, not the daemon at start. */
export function cronExpression() {
  return z.string().refine((v) => cron.validate(v), { error: (iss) => `"${String(iss.input)}" is not a valid cron expression (e.g. "*/5 * * * *": minute hour day month weekday)` });
}

export const joinRuleSchema = z.enum(['employeeId', 'mail']);

const baseSource = {
  name: z.string().regex(/^[a-z][a-z0-9_-]*$/i, 'use letters, digits, "-" and "_", starting with a letter'),
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

export const csvSourceSchema = z
  .object({
    ...baseSource,
    kind: z.literal('csv'),
    path: z.string().min(1),
    delimiter: z.enum([',', ';', 'auto']).default('auto'),
    /** canonical attribute -> CSV column header */
    columns: z.record(z.string(), z.string()).default({}),
  })
  .strict();

export const fakeSourceSchema = z
  .object({
    ...baseSource,
    kind: z.literal('fake'),
    records: z.array(z.record(z.string(), z.string().nullable())).default([]),
  })
  .strict();

export const sourceSchema = z.discriminatedUnion('kind', [csvSourceSchema, fakeSourceSchema]);
export type SourceConfig = z.infer<typeof sourceSchema>;
export type CsvSourceConfig = z.infer<typeof csvSourceSchema>;
