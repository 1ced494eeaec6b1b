import { z } from 'zod';
import { evenWithOtherProblems } from '../config-helpers';

const dn = z.string().min(3).regex(/=/, 'must be a DN such as ou=people,dc=example,dc=com');

export const ldapTargetSchema = z
  .object({
    name: z.string().min(1),
    kind: z.literal('ldap'),
    url: z.string().regex(/^ldaps?:\/\//, 'must start with ldap:// or ldaps://'),
    bindDN: dn,
    /** the config loader turns `bindPasswordFile` into `bindPassword` */
    bindPassword: z.string().min(1).optional(),
    bindPasswordFile: z.string().min(1).optional(),
    /** openldap: inetOrgPerson (+ posixAccount); ad: user with sAMAccountName and userAccountControl */
    flavor: z.enum(['openldap', 'ad']).default('openldap'),
    /** where new accounts are created */
    usersDN: dn,
    /** where groups live (groupOfNames / AD group, member = user DN) */
    groupsDN: dn,
    /** when set, disabled accounts are moved here and moved back when re-enabled */
    disabledDN: dn.optional(),
    /**
     * OpenLDAP has no standard "disabled" flag without ppolicy; idsync marks a disabled account by
     * setting this attribute to this value and removes it on re-enable. AD uses userAccountControl.
     */
    disableAttribute: z.string().min(1).default('description'),
    disableValue: z.string().min(1).default('idsync:disabled'),
    /** openldap: add posixAccount when the desired account carries uidNumber */
    posix: z.boolean().default(true),
    defaultGidNumber: z.number().int().nonnegative().default(20000),
    homeDirectory: z.string().default('/home/{uid}'),
    loginShell: z.string().default('/bin/bash'),
    /** ad: userPrincipalName = <userName>@<upnSuffix> */
    upnSuffix: z.string().min(1).optional(),
    pageSize: z.number().int().min(1).max(5000).default(500),
    timeoutMs: z.number().int().positive().default(10000),
  })
  .passthrough()
  .refine((c) => c.bindPassword !== undefined, { message: 'bindPassword (or bindPasswordFile) is required', path: ['bindPassword'], ...evenWithOtherProblems })
  .refine((c) => c.flavor !== 'ad' || c.upnSuffix !== undefined, { message: 'upnSuffix is required for flavor ad', path: ['upnSuffix'], ...evenWithOtherProblems });

export type LdapTargetConfig = z.infer<typeof ldapTargetSchema>;
