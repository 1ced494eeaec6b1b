// Directory user -> canonical attributes. The default mapping below can be overridden per
// attribute with `attributes: { canonical: "dotted.path" }` (null removes it).
import type { Attributes } from '../../../domain/types';

export interface DirectoryUser {
  id?: string;
  primaryEmail?: string;
  name?: { givenName?: string; familyName?: string; fullName?: string };
  suspended?: boolean;
  archived?: boolean;
  orgUnitPath?: string;
  externalIds?: Array<{ type?: string; value?: string }>;
  organizations?: Array<{ primary?: boolean; department?: string; title?: string; location?: string }>;
  relations?: Array<{ type?: string; value?: string }>;
  [key: string]: unknown;
}

/** `deleted` users come from the showDeleted listing: they are gone from Workspace. */
export function statusOf(user: DirectoryUser, deleted: boolean): 'active' | 'leave' | 'terminated' {
  if (deleted) return 'terminated';
  // an archived user keeps their data but cannot sign in: the same as suspended for access
  return user.suspended === true || user.archived === true ? 'leave' : 'active';
}

function primaryOrganization(user: DirectoryUser) {
  const orgs = Array.isArray(user.organizations) ? user.organizations : [];
  return orgs.find((o) => o?.primary) ?? orgs[0];
}

function typed(list: unknown, type: string): string | undefined {
  if (!Array.isArray(list)) return undefined;
  return list.find((e) => e?.type === type && typeof e.value === 'string')?.value;
}

/** The manager as Google gives it (an email); the connector resolves it to the manager's id. */
export function managerEmailOf(user: DirectoryUser): string | undefined {
  return typed(user.relations, 'manager');
}

export function defaultAttributes(user: DirectoryUser, deleted: boolean): Attributes {
  const org = primaryOrganization(user);
  return {
    employeeId: str(typed(user.externalIds, 'organization')),
    givenName: str(user.name?.givenName),
    sn: str(user.name?.familyName),
    mail: str(user.primaryEmail),
    login: str(user.primaryEmail),
    department: str(org?.department),
    title: str(org?.title),
    location: str(org?.location),
    status: statusOf(user, deleted),
  };
}

export function mapUser(user: DirectoryUser, deleted: boolean, overrides: Record<string, string | null>): Attributes {
  const attributes = defaultAttributes(user, deleted);
  for (const [canonical, path] of Object.entries(overrides)) {
    if (path === null) delete attributes[canonical];
    else attributes[canonical] = str(valueAt(user, path));
  }
  return attributes;
}

/** "organizations.0.costCenter" -> user.organizations[0].costCenter */
function valueAt(root: unknown, path: string): unknown {
  let node: any = root;
  for (const part of path.split('.')) {
    if (node == null || typeof node !== 'object') return undefined;
    node = node[part];
  }
  return node;
}

function str(value: unknown): string | null {
  if (value == null || typeof value === 'object') return null;
  const s = String(value);
  return s === '' ? null : s;
}
