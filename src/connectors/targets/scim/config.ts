import { z } from 'zod';
import { evenWithOtherProblems } from '../config-helpers';

/** `{ name, kind: scim, url, token | tokenFile }` is all a SCIM target needs; the rest has defaults. */
export const scimTargetSchema = z
  .object({
    name: z.string().min(1),
    kind: z.literal('scim'),
    /** base URL of the SCIM service provider, e.g. https://app.example.com/scim/v2 */
    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
    /** bearer token; the config loader turns `tokenFile` into `token` */
    token: z.string().min(1).optional(),
    tokenFile: z.string().min(1).optional(),
    timeoutMs: z.number().int().positive().default(10000),
    /** `count` asked for per page when listing */
    pageSize: z.number().int().min(1).max(1000).default(100),
    /** send the enterprise extension (employeeNumber, department, manager) */
    enterpriseExtension: z.boolean().default(true),
  })
  .passthrough()
  .refine((c) => c.token !== undefined, { message: 'token (or tokenFile) is required', path: ['token'], ...evenWithOtherProblems });

export type ScimTargetConfig = z.infer<typeof scimTargetSchema>;
