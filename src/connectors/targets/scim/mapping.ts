// Canonical idsync attributes <-> SCIM User (RFC 7643 4.1 core, 4.3 enterprise extension).
import type { ActualAccount, DesiredAccount } from '../../../ports/target-connector';
import { compact } from '../attributes';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

/** Canonical attributes this connector writes; others in the desired account are ignored. */
export const SCIM_MANAGED = ['givenName', 'sn', 'displayName', 'mail', 'title', 'employeeId', 'department', 'manager'] as const;
const ENTERPRISE_KEYS = new Set(['employeeId', 'department', 'manager']);

/** PATCH path for each canonical attribute. */
export function patchPathOf(key: string): string {
  switch (key) {
    case 'givenName':
      return 'name.givenName';
    case 'sn':
      return 'name.familyName';
    case 'mail':
      return 'emails';
    case 'employeeId':
      return `${ENTERPRISE_SCHEMA}:employeeNumber`;
    case 'department':
      return `${ENTERPRISE_SCHEMA}:department`;
    case 'manager':
      return `${ENTERPRISE_SCHEMA}:manager`;
    default:
      return key;
  }
}

/** PATCH value for each canonical attribute (the shape its path expects). */
export function patchValueOf(key: string, value: string): unknown {
  if (key === 'mail') return [{ value, type: 'work', primary: true }];
  if (key === 'manager') return { value };
  return value;
}

export function isEnterpriseKey(key: string): boolean {
  return ENTERPRISE_KEYS.has(key);
}

/** The full resource for POST and PUT. */
export function toScimUser(desired: DesiredAccount, enterprise: boolean): Record<string, unknown> {
  const a = desired.attributes;
  const user: Record<string, any> = {
    schemas: enterprise ? [USER_SCHEMA, ENTERPRISE_SCHEMA] : [USER_SCHEMA],
    userName: desired.userName,
    externalId: desired.identityId,
    active: desired.active,
  };
  const name = compact({ givenName: a.givenName, familyName: a.sn });
  if (Object.keys(name).length) user.name = name;
  if (a.displayName) user.displayName = a.displayName;
  if (a.title) user.title = a.title;
  if (a.mail) user.emails = [{ value: a.mail, type: 'work', primary: true }];
  if (enterprise) {
    const ext: Record<string, unknown> = compact({ employeeNumber: a.employeeId, department: a.department });
    if (a.manager) ext.manager = { value: a.manager };
    if (Object.keys(ext).length) user[ENTERPRISE_SCHEMA] = ext;
  }
  return user;
}

/** Entra sends booleans as "True"/"False" strings without its compatibility flag; accept both. */
function asBoolean(v: unknown): boolean {
  return v === true || (typeof v === 'string' && v.toLowerCase() === 'true');
}

function primaryEmail(emails: unknown): string | null {
  if (!Array.isArray(emails) || emails.length === 0) return null;
  const pick = emails.find((e) => e?.primary === true) ?? emails.find((e) => e?.type === 'work') ?? emails[0];
  return typeof pick?.value === 'string' ? pick.value : null;
}

export function fromScimUser(resource: any, groups: string[]): ActualAccount {
  const ext = resource?.[ENTERPRISE_SCHEMA] ?? {};
  return {
    externalId: String(resource.id),
    userName: String(resource.userName ?? ''),
    active: resource.active === undefined ? true : asBoolean(resource.active),
    attributes: compact({
      givenName: resource.name?.givenName,
      sn: resource.name?.familyName,
      displayName: resource.displayName,
      mail: primaryEmail(resource.emails),
      title: resource.title,
      employeeId: ext.employeeNumber,
      department: ext.department,
      manager: ext.manager?.value,
    }),
    groups,
  };
}

/** SCIM filter string literal: quotes and backslashes escaped (RFC 7644 3.4.2.2, JSON string rules). */
export function scimString(value: string): string {
  return JSON.stringify(value);
}
