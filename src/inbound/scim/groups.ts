// A SCIM Group <-> its stored form: displayName, the client's externalId, and the member ids as a
// sorted JSON list (attribute values are strings).
import type { Attributes } from '../../domain/types';
import { invalidValue } from './errors';
import { CORE_GROUP, keyOf } from './paths';
import { CLIENT_EXTERNAL_ID } from './users';

type Json = Record<string, unknown>;

export const GROUP_MULTI_VALUED = new Set(['members']);
const MAX_MEMBERS = 100_000;

export interface GroupMeta {
  id: string;
  created: string;
  lastModified: string;
  version: string;
  location: string;
}

export function attributesOfGroup(resource: Json): Attributes {
  const displayName = resource[keyOf(resource, 'displayName')];
  if (typeof displayName !== 'string' || !displayName.trim()) throw invalidValue('displayName is required');
  const externalId = resource[keyOf(resource, 'externalId')];
  if (externalId !== undefined && externalId !== null && typeof externalId !== 'string') throw invalidValue('externalId must be a string');
  const attributes: Attributes = { displayName, members: JSON.stringify(memberIds(resource)) };
  if (externalId) attributes[CLIENT_EXTERNAL_ID] = externalId;
  return attributes;
}

export function membersOf(attributes: Attributes): string[] {
  try {
    const parsed: unknown = JSON.parse(attributes.members ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

export function groupOf(attributes: Attributes, meta: GroupMeta, opts: { members: boolean; userLocation: (id: string) => string }): Json {
  const group: Json = { schemas: [CORE_GROUP], id: meta.id };
  if (attributes[CLIENT_EXTERNAL_ID]) group.externalId = attributes[CLIENT_EXTERNAL_ID];
  group.displayName = attributes.displayName ?? '';
  if (opts.members) group.members = membersOf(attributes).map((value) => ({ value, $ref: opts.userLocation(value), type: 'User' }));
  group.meta = { resourceType: 'Group', created: meta.created, lastModified: meta.lastModified, version: meta.version, location: meta.location };
  return group;
}

function memberIds(resource: Json): string[] {
  const members = resource[keyOf(resource, 'members')];
  if (members === undefined || members === null) return [];
  if (!Array.isArray(members)) throw invalidValue('members must be a list');
  if (members.length > MAX_MEMBERS) throw invalidValue(`more than ${MAX_MEMBERS} members`);
  const ids = members.map((m, i) => {
    const v = m && typeof m === 'object' ? (m as Json)[keyOf(m as Json, 'value')] : undefined;
    if (typeof v !== 'string' || !v) throw invalidValue(`members[${i}].value must be a user id`);
    return v;
  });
  return [...new Set(ids)].sort();
}
