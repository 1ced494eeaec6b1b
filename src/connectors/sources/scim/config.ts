// An inbound SCIM 2.0 source: Okta or Entra provisioning pushes users and groups to
// /scim/v2/<name>/ on the inbound listener, authenticated by a bearer token.
import { z } from 'zod';
import { baseSourceShape } from '../base-config';

export const scimSourceSchema = z
  .object({
    ...baseSourceShape,
    kind: z.literal('scim'),
    // A DELETE from the IdP must revoke: it reaches the engine as a removal, which only an
    // authoritative source may turn into a termination, so the source cannot be anything else.
    authoritative: z.literal(true, { error: 'a SCIM source is authoritative (its DELETE terminates the person); remove authoritative: false' }).default(true),
    /** the bearer token the IdP sends; the loader turns tokenFile into token */
    token: z.string().min(16, 'the SCIM token must be at least 16 characters').optional(),
    tokenFile: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    if (!cfg.token === !cfg.tokenFile) ctx.addIssue({ code: 'custom', path: ['token'], message: 'set either token or tokenFile' });
  });

export type ScimSourceConfig = z.infer<typeof scimSourceSchema>;
