import { z } from 'zod';
import { safetySchema } from './core';
import { checkEntraSecret, entraSourceFields } from '../../connectors/sources/entra/config';

export const joinRuleSchema = z.enum(['employeeId', 'mail']);

const baseSource = {
  name: z.string().regex(/^[a-z][a-z0-9_-]*$/i, 'use letters, digits, "-" and "_", starting with a letter'),
  schedule: z.string().default('*/5 * * * *'),
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

/** Without these a row cannot become a person, so they can never be mapped away. */
export const REQUIRED_CSV_ATTRIBUTES = ['employeeId', 'givenName', 'sn'] as const;

const regexSource = z.string().min(1).refine((pattern) => compiles(pattern), { message: 'is not a valid regular expression' });

/** A completion marker next to the HR file: its presence says the copy is finished. */
const doneMarkerSchema = z.union([
  z.string().min(1).transform((path) => ({ path, rowCount: false })),
  z
    .object({
      path: z.string().min(1),
      /** the marker holds the number of data rows, which the file must have */
      rowCount: z.boolean().default(false),
    })
    .strict(),
]);

export const csvSourceSchema = z
  .object({
    ...baseSource,
    kind: z.literal('csv'),
    path: z.string().min(1),
    delimiter: z.enum([',', ';', 'auto']).default('auto'),
    /** canonical attribute -> CSV column header; null says the file deliberately has no such column */
    columns: z.record(z.string(), z.string().nullable()).default({}),
    /** the file's size and mtime must have stayed the same this long before it is read */
    settleSeconds: z.number().min(0).default(5),
    /** a file still changing after this long makes the run incomplete */
    settleTimeoutSeconds: z.number().min(0).default(60),
    /** completion marker, relative to the HR file's directory */
    doneMarker: doneMarkerSchema.optional(),
    /** last line of the file; its first capture group, if any, is the number of data rows */
    trailer: z.object({ pattern: regexSource }).strict().optional(),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    if (cfg.settleTimeoutSeconds < cfg.settleSeconds) {
      ctx.addIssue({ code: 'custom', path: ['settleTimeoutSeconds'], message: `must be at least settleSeconds (${cfg.settleSeconds}), or a fresh file could never settle` });
    }
    for (const attribute of REQUIRED_CSV_ATTRIBUTES) {
      if (cfg.columns[attribute] === null) {
        ctx.addIssue({ code: 'custom', path: ['columns', attribute], message: `${attribute} cannot be null: a row without it cannot become a person` });
      }
    }
  });

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

export const fakeSourceSchema = z
  .object({
    ...baseSource,
    kind: z.literal('fake'),
    records: z.array(z.record(z.string(), z.string().nullable())).default([]),
  })
  .strict();

export const entraSourceSchema = z
  .object({ ...baseSource, ...entraSourceFields })
  .strict()
  .superRefine(checkEntraSecret);

export const sourceSchema = z.discriminatedUnion('kind', [csvSourceSchema, fakeSourceSchema, entraSourceSchema]);
export type SourceConfig = z.infer<typeof sourceSchema>;
export type CsvSourceConfig = z.infer<typeof csvSourceSchema>;
