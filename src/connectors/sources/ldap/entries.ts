// LDAP entries -> RawRecord / RawGroup. DNs are compared normalised (lower case, no spaces after
// commas) because servers echo member DNs as they were written, not as the entry's canonical DN.
import type { Attributes } from '../../../domain/types';
import type { RawGroup, RawRecord } from '../../../ports/source-connector';
import { accountExpiresToEndDate, formatObjectGuid, isDisabled } from './ad';
import type { LdapSourceConfig } from './config';
import { FLAVORS } from './defaults';

export type Entry = { dn: string } & Record<string, unknown>;

export function normDN(dn: string): string {
  return dn.split(',').map((rdn) => rdn.trim().toLowerCase()).join(',');
}

/** The entry's immutable id, or null when the entry has none usable. */
export function externalIdOf(cfg: LdapSourceConfig, e: Entry): string | null {
  const raw = valueOf(e, FLAVORS[cfg.flavor].idAttribute);
  if (cfg.flavor === 'ad') {
    const buf = Buffer.isBuffer(raw) ? raw : Array.isArray(raw) && Buffer.isBuffer(raw[0]) ? raw[0] : null;
    return buf && buf.length === 16 ? formatObjectGuid(buf) : null;
  }
  return typeof raw === 'string' && raw !== '' ? raw : null;
}

/** Case-insensitive attribute lookup: servers answer with the schema's spelling, not ours. */
export function valueOf(e: Entry, attribute: string): unknown {
  if (attribute in e) return e[attribute];
  const lower = attribute.toLowerCase();
  for (const key of Object.keys(e)) if (key.toLowerCase() === lower) return e[key];
  return undefined;
}

export function textOf(e: Entry, attribute: string): string | undefined {
  const v = valueOf(e, attribute);
  const first = Array.isArray(v) ? v[0] : v;
  if (first === undefined || first === null) return undefined;
  return Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
}

export function listOf(e: Entry, attribute: string): string[] {
  const v = valueOf(e, attribute);
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).map((x) => (Buffer.isBuffer(x) ? x.toString('utf8') : String(x)));
}

export type Resolve = (dn: string) => string | undefined;

export type Mapped = { ok: true; record: RawRecord } | { ok: false; message: string };

export function toRecord(cfg: LdapSourceConfig, mapping: Record<string, string>, e: Entry, resolve: Resolve): Mapped {
  const externalId = externalIdOf(cfg, e);
  if (!externalId) return { ok: false, message: `no usable ${FLAVORS[cfg.flavor].idAttribute}` };
  const attributes: Attributes = {};
  for (const [canonical, ldapName] of Object.entries(mapping)) {
    const value = textOf(e, ldapName);
    attributes[canonical] = value ?? null;
  }
  if (attributes.manager) attributes.manager = resolve(attributes.manager) ?? null;
  if (cfg.flavor === 'ad') {
    const disabled = isDisabled(textOf(e, 'userAccountControl'));
    if (disabled === null) return { ok: false, message: 'userAccountControl is missing or not a number' };
    attributes.status = disabled ? 'leave' : 'active';
    try {
      attributes.endDate = accountExpiresToEndDate(textOf(e, 'accountExpires'));
    } catch (err) {
      return { ok: false, message: (err as Error).message };
    }
  }
  return { ok: true, record: { externalId, attributes, location: e.dn } };
}

/** A group whose member DNs are split into people and nested groups by what the read resolved. */
export function toGroup(cfg: LdapSourceConfig, e: Entry, people: Resolve, groups: Resolve): RawGroup | null {
  const externalId = externalIdOf(cfg, e);
  if (!externalId) return null;
  const members: string[] = [];
  const memberGroups: string[] = [];
  for (const dn of [...listOf(e, 'member'), ...listOf(e, 'uniqueMember')]) {
    const group = groups(dn);
    if (group) memberGroups.push(group);
    else {
      const person = people(dn);
      if (person) members.push(person);
    }
  }
  const description = textOf(e, 'description');
  return { externalId, name: textOf(e, 'cn') ?? e.dn, ...(description ? { description } : {}), members, memberGroups, location: e.dn };
}
