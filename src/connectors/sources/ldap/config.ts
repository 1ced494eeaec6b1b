// The `kind: ldap` source section (Active Directory or OpenLDAP read through ldapts).
import { z } from 'zod';
import { baseSourceShape } from '../base-config';

const dn = z.string().min(3).regex(/=/, 'must be a DN such as ou=people,dc=example,dc=com');

export const ldapSourceSchema = z
  .object({
    ...baseSourceShape,
    kind: z.literal('ldap'),
    url: z.string().regex(/^ldaps?:\/\/[^/]/, 'must be ldap://host[:port] or ldaps://host[:port]'),
    bindDN: dn,
    /** the config loader turns `bindPasswordFile` into `bindPassword` */
    bindPassword: z.string().min(1).optional(),
    bindPasswordFile: z.string().min(1).optional(),
    baseDN: dn,
    flavor: z.enum(['openldap', 'ad']).default('openldap'),
    /** people filter; default per flavor (see defaults.ts) */
    filter: z.string().regex(/^\(.*\)$/s, 'must be an LDAP filter in parentheses').optional(),
    /** where groups are read; no groups are read when absent */
    groupsDN: dn.optional(),
    groupFilter: z.string().regex(/^\(.*\)$/s, 'must be an LDAP filter in parentheses').optional(),
    /** `prefix` goes before every group name (applied by the sync), to keep them apart from other sources' and role groups */
    groups: z.object({ prefix: z.string().default('') }).strict().optional(),
    /** AD answers at most MaxPageSize (1000 by default) entries per page */
    pageSize: z.number().int().min(1).max(1000).default(500),
    /** canonical attribute -> LDAP attribute, on top of the flavor's default mapping */
    attributes: z.record(z.string().min(1), z.string().min(1)).default({}),
    tls: z.object({ caFile: z.string().min(1).optional() }).strict().optional(),
    startTls: z.boolean().default(false),
    /** every this many runs a full read replaces the incremental one, to find deletions */
    fullEvery: z.number().int().min(1).default(24),
    timeoutMs: z.number().int().positive().default(30000),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.bindPassword === undefined) ctx.addIssue({ code: 'custom', path: ['bindPassword'], message: 'bindPassword (or bindPasswordFile) is required' });
    if (c.startTls && c.url.startsWith('ldaps://')) ctx.addIssue({ code: 'custom', path: ['startTls'], message: 'StartTLS is for ldap:// URLs; ldaps:// is already TLS' });
  });

export type LdapSourceConfig = z.infer<typeof ldapSourceSchema>;
