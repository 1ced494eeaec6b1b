// Pure mapping between idsync's canonical attributes and directory entries, for both flavours.
import type { ActualAccount, DesiredAccount } from '../../../ports/target-connector';
import { compact } from '../attributes';
import type { LdapTargetConfig } from './config';

/** canonical name -> directory attribute; the same names work for inetOrgPerson and AD user */
const COMMON: Record<string, Record<'openldap' | 'ad', string>> = {
  givenName: { openldap: 'givenName', ad: 'givenName' },
  sn: { openldap: 'sn', ad: 'sn' },
  displayName: { openldap: 'displayName', ad: 'displayName' },
  mail: { openldap: 'mail', ad: 'mail' },
  title: { openldap: 'title', ad: 'title' },
  department: { openldap: 'departmentNumber', ad: 'department' },
  employeeId: { openldap: 'employeeNumber', ad: 'employeeID' },
};

export const LDAP_MANAGED = Object.keys(COMMON);

/** AD userAccountControl: NORMAL_ACCOUNT (512), plus ACCOUNTDISABLE (2) when disabled. */
export const UAC_NORMAL = 512;
export const UAC_DISABLED = 514;

export function attributeFor(cfg: LdapTargetConfig, canonical: string): string {
  return COMMON[canonical][cfg.flavor];
}

export function namingAttribute(cfg: LdapTargetConfig): string {
  return cfg.flavor === 'ad' ? 'sAMAccountName' : 'uid';
}

/** RFC 4514 escaping of an attribute value inside a DN. */
export function escapeDnValue(value: string): string {
  return value
    .replace(/([\\,+"<>;=#])/g, '\\$1')
    .replace(/^ /, '\\ ')
    .replace(/ $/, '\\ ');
}

export function userDN(cfg: LdapTargetConfig, userName: string, parent: string = cfg.usersDN): string {
  const rdn = cfg.flavor === 'ad' ? `CN=${escapeDnValue(userName)}` : `uid=${escapeDnValue(userName)}`;
  return `${rdn},${parent}`;
}

export function groupDN(cfg: LdapTargetConfig, group: string): string {
  return `cn=${escapeDnValue(group)},${cfg.groupsDN}`;
}

function commonName(desired: DesiredAccount): string {
  const a = desired.attributes;
  return a.displayName || [a.givenName, a.sn].filter(Boolean).join(' ') || desired.userName;
}

/** The entry to add for a new account. */
export function newEntry(cfg: LdapTargetConfig, desired: DesiredAccount): Record<string, string | string[]> {
  const a = desired.attributes;
  const entry: Record<string, string | string[]> = { cn: commonName(desired), sn: a.sn || desired.userName };
  for (const key of LDAP_MANAGED) {
    const value = a[key];
    if (value && key !== 'sn') entry[attributeFor(cfg, key)] = value;
  }
  if (cfg.flavor === 'ad') {
    entry.objectClass = ['top', 'person', 'organizationalPerson', 'user'];
    entry.sAMAccountName = desired.userName;
    entry.userPrincipalName = `${desired.userName}@${cfg.upnSuffix}`;
    entry.userAccountControl = String(desired.active ? UAC_NORMAL : UAC_DISABLED);
    return entry;
  }
  entry.objectClass = ['top', 'inetOrgPerson'];
  entry.uid = desired.userName;
  if (cfg.posix && a.uidNumber) {
    (entry.objectClass as string[]).push('posixAccount');
    entry.uidNumber = a.uidNumber;
    entry.gidNumber = a.gidNumber || String(cfg.defaultGidNumber);
    entry.homeDirectory = cfg.homeDirectory.replace('{uid}', desired.userName);
    entry.loginShell = cfg.loginShell;
  }
  if (!desired.active) entry[cfg.disableAttribute] = cfg.disableValue;
  return entry;
}

export type RawEntry = Record<string, string | string[] | Buffer | Buffer[]>;

export function first(entry: RawEntry, attr: string): string | null {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attr.toLowerCase());
  if (!key) return null;
  const v = entry[key];
  const one = Array.isArray(v) ? v[0] : v;
  return one === undefined ? null : String(one);
}

export function all(entry: RawEntry, attr: string): string[] {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attr.toLowerCase());
  if (!key) return [];
  const v = entry[key];
  return (Array.isArray(v) ? v : [v]).map(String);
}

export function isActive(cfg: LdapTargetConfig, entry: RawEntry): boolean {
  if (cfg.flavor === 'ad') return (Number(first(entry, 'userAccountControl') ?? UAC_NORMAL) & 2) === 0;
  return !all(entry, cfg.disableAttribute).includes(cfg.disableValue);
}

export function toAccount(cfg: LdapTargetConfig, entry: RawEntry, groups: string[]): ActualAccount {
  const attributes: Record<string, string | null> = {};
  for (const key of LDAP_MANAGED) attributes[key] = first(entry, attributeFor(cfg, key));
  return {
    externalId: String(entry.dn),
    userName: first(entry, namingAttribute(cfg)) ?? '',
    active: isActive(cfg, entry),
    attributes: compact(attributes),
    groups,
  };
}

/** attributes to read back */
export function readAttributes(cfg: LdapTargetConfig): string[] {
  const base = [namingAttribute(cfg), 'cn', ...LDAP_MANAGED.map((k) => attributeFor(cfg, k))];
  return cfg.flavor === 'ad' ? [...base, 'userAccountControl'] : [...base, cfg.disableAttribute];
}
