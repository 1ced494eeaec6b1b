import { z } from 'zod';
import { evenWithOtherProblems } from '../config-helpers';

export const oktaTargetSchema = z
  .object({
    name: z.string().min(1),
    kind: z.literal('okta'),
    /** org URL, e.g. https://example.okta.com */
    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
    /** API token sent as `Authorization: SSWS <token>`; the loader turns `tokenFile` into `token` */
    token: z.string().min(1).optional(),
    tokenFile: z.string().min(1).optional(),
    /** Okta logins are email-shaped: login = <userName>@<loginDomain> unless userName has an @ */
    loginDomain: z.string().min(1).optional(),
    createGroups: z.boolean().default(true),
    clearSessionsOnDisable: z.boolean().default(true),
    /** page size for list(); Okta caps it at 200 */
    pageSize: z.number().int().min(1).max(200).default(200),
    timeoutMs: z.number().int().positive().default(15000),
  })
  .passthrough()
  .refine((c) => c.token !== undefined, { message: 'token (or tokenFile) is required', path: ['token'], ...evenWithOtherProblems });

export type OktaTargetConfig = z.infer<typeof oktaTargetSchema>;
