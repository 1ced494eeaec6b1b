import { z } from 'zod';
import { cronExpression } from './sources';

// targets:
//   - name: gitea                 # letters, digits, "-" and "_"
//     kind: scim                  # scim | ldap | entra | okta | webhook | fake (kind-specific fields pass through
//     url: https://...            #   and are validated by the connector registry)
//     concurrency: 4              # jobs in flight for this target
//     rateLimit: { max: 50, durationMs: 1000 }
//     retries: { attempts: 8, backoffMs: 1000, maxBackoffMs: 60000 }
//     thresholds: { maxRemovals: 50, maxRemovalPercent: 10, windowMs: 600000 }  # disables+deletes per window before holding
//     deleteAfterDays: 30         # delete a leaver's disabled account after this many days; null = never
//     reconcile: { schedule: '17 * * * *', deleteOrphans: false }
//     quarantine: { windowMs: 60000, minCalls: 20, failureRatio: 0.5, rateMax: 1 }
//     userNameFrom: username      # or mail
//     attributes: [givenName, sn, displayName, mail, employeeId, department, title]
//
// roles:
//   - name: engineering
//     when: 'department == "Engineering"'           # CEL over the identity's attributes
//     groups: [eng]                                  # groups the LDAP view serves
//     targets: { gitea: { groups: [developers] } }   # an account in gitea with these groups
//   - name: eng-leads
//     when: 'department == "Engineering" && title.contains("Lead")'
//     include: [engineering]                         # everything engineering grants, too
//     groups: [eng-leads]
// A role without `when` is granted only through `include`. A target no role names gets every active person.
//
// groups:                                          # nesting of the groups roles (or departments) grant
//   - name: all-staff
//     include: [eng, sales]                        # cn=all-staff has member: cn=eng,... and cn=sales,...
//   - name: eng
//     include: [eng-leads]                         # two levels: eng-leads -> eng -> all-staff

const nameRe = /^[a-z][a-z0-9_-]*$/i;

import { DEFAULT_TARGET_ATTRIBUTES } from '../../domain/provisioning/desired';
import type { RoleConfig as DomainRoleConfig } from '../../domain/roles/types';

export { DEFAULT_TARGET_ATTRIBUTES };

export const targetSchema = z
  .object({
    name: z.string().regex(nameRe, 'use letters, digits, "-" and "_", starting with a letter'),
    kind: z.string().min(1),
    concurrency: z.number().int().min(1).max(256).default(4),
    rateLimit: z
      .object({ max: z.number().int().min(1).default(50), durationMs: z.number().int().min(1).default(1000) })
      .strict()
      .prefault({}),
    retries: z
      .object({
        attempts: z.number().int().min(1).default(8),
        backoffMs: z.number().int().min(1).default(1000),
        maxBackoffMs: z.number().int().min(1).default(60000),
      })
      .strict()
      .prefault({}),
    thresholds: z
      .object({
        maxRemovals: z.number().int().nonnegative().default(50),
        maxRemovalPercent: z.number().min(0).max(100).default(10),
        /** removals dispatched within this window count together, so a trickle cannot dodge the limit */
        windowMs: z.number().int().min(1000).default(600000),
      })
      .strict()
      .prefault({}),
    deleteAfterDays: z.number().int().nonnegative().nullable().default(null),
    reconcile: z
      .object({ schedule: cronExpression().nullable().default(null), deleteOrphans: z.boolean().default(false) })
      .strict()
      .prefault({}),
    quarantine: z
      .object({
        windowMs: z.number().int().min(100).default(60000),
        minCalls: z.number().int().min(1).default(20),
        failureRatio: z.number().min(0).max(1).default(0.5),
        /** jobs per second while quarantined */
        rateMax: z.number().int().min(1).default(1),
      })
      .strict()
      .prefault({}),
    userNameFrom: z.enum(['username', 'mail']).default('username'),
    attributes: z.array(z.string().min(1)).default(DEFAULT_TARGET_ATTRIBUTES),
  })
  .passthrough();

export type TargetConfig = z.infer<typeof targetSchema>;

export const roleSchema = z
  .object({
    name: z.string().regex(nameRe, 'use letters, digits, "-" and "_", starting with a letter'),
    description: z.string().optional(),
    /** CEL condition; absent = granted only through another role's `include` */
    when: z.string().min(1).optional(),
    include: z.array(z.string().min(1)).default([]),
    groups: z.array(z.string().min(1)).default([]),
    targets: z
      .record(z.string(), z.object({ groups: z.array(z.string().min(1)).default([]) }).strict())
      .default({}),
  })
  .strict();

export type RoleConfig = z.infer<typeof roleSchema>;
// The domain declares the shape it compiles; this line fails to compile if the schema drifts from it.
const _parsedRoleFitsDomain = (r: RoleConfig): DomainRoleConfig => r;
void _parsedRoleFitsDomain;

export const rolesSchema = z.array(roleSchema).default([]);

export const groupDeclarationSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    /** groups nested inside this one: their members are this group's members, transitively */
    include: z.array(z.string().min(1)).default([]),
  })
  .strict();

export type GroupDeclarationConfig = z.infer<typeof groupDeclarationSchema>;

export const groupDeclarationsSchema = z.array(groupDeclarationSchema).default([]);

/** Parses one target entry with defaults; throws a ZodError naming the bad field. */
export function parseTarget(input: unknown): TargetConfig {
  return targetSchema.parse(input);
}
