// Configuration of a Google Workspace source. The config loader reads `credentialsFile` (the
// service-account key downloaded from the Cloud console) into `credentials`, the key's JSON text,
// so the schema sees `credentials` and checks here that it is a usable key.
import { z } from 'zod';
import { baseSourceShape } from '../base-config';
import { parseServiceAccountKey } from './service-account';

const regexSource = z.string().min(1).refine((p) => compiles(p), { message: 'is not a valid regular expression' });

export const googleSourceSchema = z
  .object({
    ...baseSourceShape,
    kind: z.literal('google'),
    /** `my_customer` is the customer of the admin named in `subject` */
    customer: z.string().min(1).default('my_customer'),
    /** read only this domain's users and groups instead of the whole customer */
    domain: z.string().min(1).optional(),
    /** the Workspace admin the service account acts as (domain-wide delegation) */
    subject: z.email(),
    /** the service-account key's JSON text; written as `credentialsFile: <path>` in the config */
    credentials: z.string({ error: 'is required: set credentialsFile to the service-account key file' }).superRefine((text, ctx) => {
      try {
        parseServiceAccountKey(text);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `the service-account key ${(err as Error).message}` });
      }
    }),
    /** overridable for tests; default: the key's token_uri, else Google's */
    tokenUrl: z.url().optional(),
    apiUrl: z.url().default('https://admin.googleapis.com'),
    groups: z
      .object({
        /** read groups and their members at all */
        enabled: z.boolean().default(true),
        /** only groups whose name or email matches one of these (all groups when empty) */
        include: z.array(regexSource).default([]),
        /** put before every group name (by the sync, not here), to keep them apart from other sources' and role groups */
        prefix: z.string().default(''),
      })
      .strict()
      .prefault({}),
    /** canonical attribute -> dotted path into the Directory user (e.g. "organizations.0.costCenter"); null drops it */
    attributes: z.record(z.string(), z.string().min(1).nullable()).default({}),
    pageSize: z.number().int().min(1).max(500).default(500),
    timeoutMs: z.number().int().positive().default(30_000),
    retries: z.number().int().min(0).max(10).default(4),
  })
  .strict();

export type GoogleSourceConfig = z.infer<typeof googleSourceSchema>;

export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}
