// Configuration of an Okta source: the org URL, a read-only admin API token, paging and mapping.
import { z } from 'zod';
import { baseSourceShape, sourceGroupsFields } from '../base-config';
import { oktaHookSchema } from '../hook-config';

export const oktaSourceSchema = z
  .object({
    ...baseSourceShape,
    kind: z.literal('okta'),
    url: z.url(),
    token: z.string().min(1).optional(),
    /** a file holding the token, so it stays out of the configuration */
    tokenFile: z.string().min(1).optional(),
    pageSize: z.number().int().min(1).max(200).default(200),
    /** every this many runs the read is full, to catch what deltas miss */
    fullEvery: z.number().int().min(1).default(24),
    timeoutMs: z.number().int().min(100).default(30000),
    /** attempts per request for 429 and 5xx before the read is declared incomplete */
    attempts: z.number().int().min(1).default(4),
    /**
     * present = read groups too. OKTA_GROUP groups are read (those matching `include` when it is
     * set); APP_GROUP groups (imported from AD, Workday...) only when `appGroups` is true or an
     * `include` pattern names them; BUILT_IN (Everyone) never.
     */
    groups: z
      .object({ ...sourceGroupsFields, appGroups: z.boolean().default(false) })
      .strict()
      .optional(),
    /** canonical attribute -> path in the Okta user, e.g. { department: "profile.department" } */
    attributes: z.record(z.string(), z.string().min(1)).default({}),
    /** present = Okta Event Hooks at /hooks/<name> trigger a re-read of the users they name */
    hook: oktaHookSchema.optional(),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    if (!cfg.token === !cfg.tokenFile) ctx.addIssue({ code: 'custom', path: ['token'], message: 'set either token or tokenFile, not both' });
  });

export type OktaSourceConfig = z.infer<typeof oktaSourceSchema>;
