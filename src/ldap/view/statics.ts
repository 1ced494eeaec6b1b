// The fixed part of the tree: base entry, the three OUs and the service accounts.
import type { LdapEntry } from '../contract';
import { attributeType } from '../schema/attributes';
import { escapeDNValue, normalizeDN } from '../schema/dn';
import { SUBSCHEMA_DN } from '../schema/subschema';
import {
  BASE_ID,
  GROUPS_OU_ID,
  PEOPLE_OU_ID,
  SERVICES_OU_ID,
  serviceId,
  type ResolvedOptions,
  type StaticRec,
} from './records';

/** Builds an LdapEntry from name -> values, spelling and operational flag taken from the schema. */
export function makeEntry(dn: string, values: Record<string, string[]>): LdapEntry {
  const attrs: LdapEntry['attrs'] = new Map();
  for (const [name, vals] of Object.entries(values)) {
    if (vals.length === 0) continue;
    const t = attributeType(name);
    attrs.set(name.toLowerCase(), { name: t?.name ?? name, values: vals, operational: t?.operational ?? false });
  }
  return { dn, ndn: normalizeDN(dn) ?? dn.toLowerCase(), attrs };
}

function operational(dn: string, structural: string, hasSubordinates: boolean): Record<string, string[]> {
  return {
    entryDN: [dn],
    subschemaSubentry: [SUBSCHEMA_DN],
    hasSubordinates: [hasSubordinates ? 'TRUE' : 'FALSE'],
    structuralObjectClass: [structural],
  };
}

function staticRec(id: number, kind: 'static' | 'service', name: string, parent: string, entry: LdapEntry): StaticRec {
  return { kind, id, name, dn: entry.dn, ndn: entry.ndn, parent, entry };
}

export function staticRecs(o: ResolvedOptions): StaticRec[] {
  const firstRdn = o.baseDN.split(',')[0];
  const [firstType, ...rest] = firstRdn.split('=');
  const firstValue = rest.join('=').trim();
  const isDc = firstType.trim().toLowerCase() === 'dc';
  const base = makeEntry(o.baseDN, {
    objectClass: isDc ? ['top', 'dcObject', 'organization'] : ['top', 'organization'],
    ...(isDc ? { dc: [firstValue] } : {}),
    o: [firstValue],
    ...operational(o.baseDN, 'organization', true),
  });
  const ou = (name: string, dn: string): LdapEntry =>
    makeEntry(dn, { objectClass: ['top', 'organizationalUnit'], ou: [name], ...operational(dn, 'organizationalUnit', true) });
  const parentOfBase = o.nbase.split(',').slice(1).join(',');
  return [
    staticRec(BASE_ID, 'static', '', parentOfBase, base),
    staticRec(PEOPLE_OU_ID, 'static', 'people', o.nbase, ou('people', o.peopleDN)),
    staticRec(GROUPS_OU_ID, 'static', 'groups', o.nbase, ou('groups', o.groupsDN)),
    staticRec(SERVICES_OU_ID, 'static', 'services', o.nbase, ou('services', o.servicesDN)),
    ...o.serviceAccounts.map((name, i) => {
      const dn = `cn=${escapeDNValue(name)},${o.servicesDN}`;
      // No password attribute is ever served: the server checks service passwords from configuration.
      const entry = makeEntry(dn, {
        objectClass: ['top', 'applicationProcess'],
        cn: [name],
        description: ['idsync service account'],
        ...operational(dn, 'applicationProcess', false),
      });
      return staticRec(serviceId(i), 'service', name, `ou=services,${o.nbase}`, entry);
    }),
  ];
}
