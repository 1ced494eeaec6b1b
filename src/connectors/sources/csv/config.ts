// Configuration of an HR CSV drop: where the file is, how to read it, and how it proves it is whole.
import { z } from 'zod';
import { baseSourceShape, regexPattern } from '../base-config';

/** Without these a row cannot become a person, so they can never be mapped away. */
export const REQUIRED_CSV_ATTRIBUTES = ['employeeId', 'givenName', 'sn'] as const;

const regexSource = regexPattern();

/** A completion marker next to the HR file: its presence says the copy is finished. */
const doneFileSchema = z.union([
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
    ...baseSourceShape,
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
    doneFile: doneFileSchema.optional(),
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


export type CsvSourceConfig = z.infer<typeof csvSourceSchema>;
