// Default filters and canonical -> LDAP attribute mapping per flavor (documented in README).
import type { LdapSourceConfig } from './config';

export interface Flavor {
  idAttribute: string;
  /** the attribute an incremental search compares with the watermark */
  changeAttribute: string;
  userFilter: string;
  groupFilter: string;
  mapping: Record<string, string>;
}

const COMMON = { givenName: 'givenName', sn: 'sn', mail: 'mail', title: 'title', displayName: 'displayName', manager: 'manager' };

export const FLAVORS: Record<LdapSourceConfig['flavor'], Flavor> = {
  openldap: {
    idAttribute: 'entryUUID',
    changeAttribute: 'modifyTimestamp',
    userFilter: '(|(objectClass=inetOrgPerson)(objectClass=posixAccount))',
    groupFilter: '(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames))',
    mapping: { ...COMMON, login: 'uid', employeeId: 'employeeNumber', department: 'departmentNumber' },
  },
  ad: {
    idAttribute: 'objectGUID',
    changeAttribute: 'uSNChanged',
    userFilter: '(&(objectCategory=person)(objectClass=user))',
    groupFilter: '(objectClass=group)',
    mapping: { ...COMMON, login: 'sAMAccountName', employeeId: 'employeeID', department: 'department' },
  },
};

export function mappingOf(cfg: LdapSourceConfig): Record<string, string> {
  return { ...FLAVORS[cfg.flavor].mapping, ...cfg.attributes };
}

/** AD-only attributes that feed the lifecycle rather than a canonical attribute */
export const AD_STATE_ATTRIBUTES = ['userAccountControl', 'accountExpires'];

export const GROUP_ATTRIBUTES = ['cn', 'description', 'member', 'uniqueMember'];
