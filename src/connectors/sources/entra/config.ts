import { z } from 'zod';
import { baseSourceShape, sourceGroupsFields } from '../base-config';
import { entraHookSchema } from '../hook-config';

/** Canonical attribute -> Graph user property, as most tenants fill them. */
export const DEFAULT_ENTRA_ATTRIBUTES: Record<string, string> = {
  employeeId: 'employeeId',
  givenName: 'givenName',
  sn: 'surname',
  displayName: 'displayName',
  mail: 'mail',
  upn: 'userPrincipalName',
  department: 'department',
  title: 'jobTitle',
  employeeType: 'employeeType',
  location: 'officeLocation',
};

/** The fields only an entra source section has. */
const entraSourceFields = {
  kind: z.literal('entra'),
  tenantId: z.string().min(1),
  clientId: z.string().min(1),
  /** the config loader turns `clientSecretFile` into `clientSecret` */
  clientSecret: z.string().min(1).optional(),
  /** overridable for national clouds and for tests */
  authorityUrl: z.url().default('https://login.microsoftonline.com'),
  graphUrl: z.url().default('https://graph.microsoft.com'),
  /** present = read groups too (needs GroupMember.Read.All); include filters on displayName */
  groups: z
    .object(sourceGroupsFields)
    .strict()
    .optional(),
  /** canonical attribute -> Graph user property (null: do not read it) */
  attributes: z.record(z.string(), z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a Graph property name').nullable()).default({}),
  timeoutMs: z.number().int().positive().default(30_000),
  /** how often one page is tried again after a 5xx or a cut answer */
  retries: z.number().int().min(0).max(10).default(3),
  /** present = idsync keeps a Graph change-notification subscription on users pointing at /hooks/<name> */
  hook: entraHookSchema.optional(),
};

export const entraSourceSchema = z
  .object({ ...baseSourceShape, ...entraSourceFields })
  .strict()
  // zod skips refinements once a field failed; config check must name a missing secret as well
  .refine((cfg) => cfg.clientSecret !== undefined, {
    message: 'clientSecret (or clientSecretFile) is required',
    path: ['clientSecret'],
    when: (payload) => typeof payload.value === 'object' && payload.value !== null,
  });

export type EntraSourceConfig = z.infer<typeof entraSourceSchema>;

