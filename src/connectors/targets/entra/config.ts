import { z } from 'zod';
import { evenWithOtherProblems } from '../config-helpers';

export const entraTargetSchema = z
  .object({
    name: z.string().min(1),
    kind: z.literal('entra'),
    tenantId: z.string().min(1),
    clientId: z.string().min(1),
    /** the config loader turns `clientSecretFile` into `clientSecret` */
    clientSecret: z.string().min(1).optional(),
    clientSecretFile: z.string().min(1).optional(),
    /** userPrincipalName = <userName>@<upnDomain> unless the userName already has a domain */
    upnDomain: z.string().min(1),
    /** overridable so tests (and national clouds) can point elsewhere */
    authorityUrl: z.url().default('https://login.microsoftonline.com'),
    graphUrl: z.url().default('https://graph.microsoft.com'),
    /** create a security group when a desired group does not exist yet */
    createGroups: z.boolean().default(true),
    /** revoke refresh tokens and sessions when an account is disabled */
    revokeSessionsOnDisable: z.boolean().default(true),
    usageLocation: z.string().length(2).optional(),
    pageSize: z.number().int().min(1).max(999).default(200),
    timeoutMs: z.number().int().positive().default(15000),
  })
  .passthrough()
  .refine((c) => c.clientSecret !== undefined, { message: 'clientSecret (or clientSecretFile) is required', path: ['clientSecret'], ...evenWithOtherProblems });

export type EntraTargetConfig = z.infer<typeof entraTargetSchema>;
