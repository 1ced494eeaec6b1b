// A SCIM User <-> the source record idsync keeps for it. The record's attributes are the stored
// form, so a GET answers with what was committed and an Okta GET-then-PUT round-trips through it.
// Attributes idsync does not keep (phone numbers, addresses) are accepted and not returned,
// which the published schema says.
import type { Attributes } from '../../domain/types';
import { invalidValue } from './errors';
import { CORE_USER, ENTERPRISE_USER, keyOf } from './paths';

type Json = Record<string, unknown>;

/** the manager's SCIM id is kept beside `manager` (their employee id) so the resource round-trips */
export const MANAGER_REF = 'scimManager';
export const USER_NAME = 'login';
export const CLIENT_EXTERNAL_ID = 'scimExternalId';

export const USER_MULTI_VALUED = new Set(['emails', 'phonenumbers', 'addresses', 'groups', 'roles', 'entitlements', 'ims', 'photos', 'x509certificates']);

export interface UserMeta {
  id: string;
  created: string;
  lastModified: string;
  version: string;
  location: string;
}

/** Reads a User resource into canonical attributes; throws invalidValue naming the field. */
export function attributesOfUser(resource: Json): Attributes {
  const userName = str(resource, 'userName');
  if (!userName) throw invalidValue('userName is required');
  const name = obj(resource, 'name');
  const ext = obj(resource, ENTERPRISE_USER);
  const manager = ext ? managerId(ext) : null;
  const attributes: Attributes = {
    [USER_NAME]: userName,
    [CLIENT_EXTERNAL_ID]: str(resource, 'externalId'),
    givenName: name ? str(name, 'givenName') : null,
    sn: name ? str(name, 'familyName') : null,
    displayName: str(resource, 'displayName'),
    mail: primaryEmail(resource),
    title: str(resource, 'title'),
    employeeType: str(resource, 'userType'),
    status: activeOf(resource) ? 'active' : 'terminated',
    employeeId: ext ? str(ext, 'employeeNumber') : null,
    department: ext ? str(ext, 'department') : null,
    [MANAGER_REF]: manager,
  };
  for (const k of Object.keys(attributes)) if (attributes[k] === null) delete attributes[k];
  return attributes;
}

/** The User resource of a stored record. */
export function userOf(attributes: Attributes, meta: UserMeta): Json {
  const a = attributes;
  const user: Json = { schemas: [CORE_USER], id: meta.id };
  if (a[CLIENT_EXTERNAL_ID]) user.externalId = a[CLIENT_EXTERNAL_ID];
  user.userName = a[USER_NAME] ?? '';
  const name: Json = {};
  if (a.givenName) name.givenName = a.givenName;
  if (a.sn) name.familyName = a.sn;
  if (Object.keys(name).length) user.name = name;
  if (a.displayName) user.displayName = a.displayName;
  if (a.title) user.title = a.title;
  if (a.employeeType) user.userType = a.employeeType;
  if (a.mail) user.emails = [{ value: a.mail, type: 'work', primary: true }];
  user.active = a.status !== 'terminated';
  const ext: Json = {};
  if (a.employeeId) ext.employeeNumber = a.employeeId;
  if (a.department) ext.department = a.department;
  if (a[MANAGER_REF]) ext.manager = { value: a[MANAGER_REF] };
  if (Object.keys(ext).length) {
    user.schemas = [CORE_USER, ENTERPRISE_USER];
    user[ENTERPRISE_USER] = ext;
  }
  user.meta = { resourceType: 'User', created: meta.created, lastModified: meta.lastModified, version: meta.version, location: meta.location };
  return user;
}

/**
 * `active` as a boolean, or as the strings Entra sends without its 2020 compatibility flag
 * ("True", "False"); absent means active (RFC 7643 leaves it to the provider).
 */
export function activeOf(resource: Json): boolean {
  const v = resource[keyOf(resource, 'active')];
  if (v === undefined || v === null) return true;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(true|false)$/i.test(v.trim())) return v.trim().toLowerCase() === 'true';
  throw invalidValue(`active must be true or false, not ${JSON.stringify(v)}`);
}

function primaryEmail(resource: Json): string | null {
  const emails = resource[keyOf(resource, 'emails')];
  if (emails === undefined || emails === null) return null;
  if (!Array.isArray(emails)) throw invalidValue('emails must be a list');
  const values = emails.filter((e): e is Json => !!e && typeof e === 'object');
  const pick = values.find((e) => e[keyOf(e, 'primary')] === true || String(e[keyOf(e, 'primary')]).toLowerCase() === 'true')
    ?? values.find((e) => String(e[keyOf(e, 'type')] ?? '').toLowerCase() === 'work')
    ?? values[0];
  return pick ? str(pick, 'value') : null;
}

/** Entra sends the manager as a bare id string, Okta and the RFC as { value } */
function managerId(ext: Json): string | null {
  const m = ext[keyOf(ext, 'manager')];
  if (m === undefined || m === null || m === '') return null;
  if (typeof m === 'string') return m;
  if (typeof m === 'object' && !Array.isArray(m)) return str(m as Json, 'value');
  throw invalidValue(`${ENTERPRISE_USER}:manager must be an id or { "value": id }`);
}

function str(o: Json, name: string): string | null {
  const v = o[keyOf(o, name)];
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v.trim() === '' ? null : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw invalidValue(`${name} must be a string`);
}

function obj(o: Json, name: string): Json | null {
  const v = o[keyOf(o, name)];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'object' || Array.isArray(v)) throw invalidValue(`${name} must be an object`);
  return v as Json;
}
