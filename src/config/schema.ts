import { z } from 'zod';
import { auditSchema, identitySchema, loggingSchema, redisSchema, storeSchema } from './sections/core';
import { ldapSchema } from './sections/ldap';
import { sourceSchema } from './sections/sources';
import { groupDeclarationsSchema, rolesSchema, targetSchema } from './sections/targets';
import { adminSchema } from '../admin/config';
import { inboundSchema } from '../inbound/config';

export const configSchema = z
  .object({
    store: storeSchema,
    redis: redisSchema.prefault({}),
    sources: z.array(sourceSchema).default([]),
    identity: identitySchema.prefault({}),
    audit: auditSchema.prefault({}),
    logging: loggingSchema.prefault({}),
    ldap: ldapSchema.optional(),
    targets: z.array(targetSchema).default([]),
    roles: rolesSchema,
    groups: groupDeclarationsSchema,
    admin: adminSchema.optional(),
    inbound: inboundSchema.optional(),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    if (cfg.admin?.console?.enabled && !cfg.ldap) {
      ctx.addIssue({ code: 'custom', path: ['admin', 'console'], message: 'people sign in to the console with their directory password, checked by the LDAP frontend: add an ldap: section (or set admin.console.enabled: false)' });
    }
    const seen = new Set<string>();
    cfg.sources.forEach((s, i) => {
      if (seen.has(s.name)) {
        ctx.addIssue({ code: 'custom', path: ['sources', i, 'name'], message: `duplicate source name "${s.name}"` });
      }
      seen.add(s.name);
      // a push source is served by the inbound listener; without one nobody can reach it
      if (s.kind === 'scim' && !cfg.inbound) {
        ctx.addIssue({ code: 'custom', path: ['sources', i, 'kind'], message: `source "${s.name}" is pushed to over SCIM: add an inbound: section (listen, tls)` });
      }
      if ('hook' in s && s.hook && !cfg.inbound) {
        ctx.addIssue({ code: 'custom', path: ['sources', i, 'hook'], message: `source "${s.name}" has an event hook, served at /hooks/${s.name} by the inbound listener: add an inbound: section (listen, tls)` });
      }
    });
  });

export type Config = z.infer<typeof configSchema>;
