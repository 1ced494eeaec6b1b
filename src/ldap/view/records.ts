// Compact records the snapshot keeps per entry. Full LdapEntry objects (35 attributes each) are
// rendered only when a search returns them: holding 100,000 rendered people would cost several
// hundred MB, the records cost a fraction of that.
import type { Identity, LifecycleState } from '../../domain/types';
import type { LdapEntry } from '../contract';
import { escapeDNValue, normalizeDN, normalizeRdnValue } from '../schema/dn';

export interface ViewOptions {
  baseDN: string;
  /** service account names; each is served at cn=<name>,ou=services,<base> */
  serviceAccounts: string[];
  /** name of the primary posix group every person belongs to (default 'staff') */
  defaultGroup?: string;
  /** gidNumber of the primary group when the store has no group of that name (default 5000) */
  defaultGidNumber?: number;
  /** default '/home/{uid}' */
  homeDirectoryTemplate?: string;
  /** default '/bin/bash' */
  loginShell?: string;
  /** domain of userPrincipalName; default: the dc= components of the base DN joined with dots */
  mailDomain?: string;
  /** configured nesting (`groups:` section): lower-cased parent name -> names of groups nested in it */
  nestedGroups?: ReadonlyMap<string, readonly string[]>;
}

/** A flat copy of a built-up string (a template literal leaves a tree of cons strings behind). */
const flat = (s: string): string => Buffer.from(s, 'utf8').toString('utf8');

export interface ResolvedOptions {
  baseDN: string;
  nbase: string;
  peopleDN: string;
  groupsDN: string;
  servicesDN: string;
  /** normalised people and groups OU DNs: the `parent` every person and group shares (one string, not one each) */
  npeopleDN: string;
  ngroupsDN: string;
  serviceAccounts: string[];
  defaultGroup: string;
  defaultGidNumber: number;
  homeDirectoryTemplate: string;
  loginShell: string;
  upnDomain: string;
  nestedGroups: ReadonlyMap<string, readonly string[]>;
}

export function resolveOptions(o: ViewOptions): ResolvedOptions {
  const nbase = normalizeDN(o.baseDN);
  if (nbase === null || nbase === '') throw new Error(`ldap.baseDN "${o.baseDN}" is not a valid DN`);
  const baseDN = o.baseDN.trim();
  const dcs = nbase
    .split(',')
    .filter((rdn) => rdn.startsWith('dc='))
    .map((rdn) => rdn.slice(3));
  return {
    baseDN,
    nbase,
    peopleDN: `ou=people,${baseDN}`,
    groupsDN: `ou=groups,${baseDN}`,
    servicesDN: `ou=services,${baseDN}`,
    npeopleDN: flat(`ou=people,${nbase}`),
    ngroupsDN: flat(`ou=groups,${nbase}`),
    serviceAccounts: o.serviceAccounts,
    defaultGroup: o.defaultGroup ?? 'staff',
    defaultGidNumber: o.defaultGidNumber ?? 5000,
    homeDirectoryTemplate: o.homeDirectoryTemplate ?? '/home/{uid}',
    loginShell: o.loginShell ?? '/bin/bash',
    upnDomain: o.mailDomain ?? (dcs.join('.') || 'localdomain'),
    nestedGroups: o.nestedGroups ?? new Map(),
  };
}

// Entry ids double as the stable search order: base and OUs, then people by uidNumber, then groups
// by gidNumber, then service accounts. Paging relies on that order being the same on every call.
const RANK = 2 ** 33;
export const BASE_ID = 0;
export const PEOPLE_OU_ID = 1;
export const GROUPS_OU_ID = 2;
export const SERVICES_OU_ID = 3;
export const personId = (uidNumber: number): number => RANK + uidNumber;
export const groupId = (gidNumber: number): number => 2 * RANK + gidNumber;
export const serviceId = (index: number): number => 3 * RANK + index;

interface RecBase {
  id: number;
  dn: string;
  ndn: string;
  /** normalised DN of the parent entry */
  parent: string;
}

export interface PersonRec extends RecBase {
  kind: 'person';
  identityId: string;
  username: string;
  uidNumber: number;
  employeeId: string | null;
  state: LifecycleState;
  cn: string;
  sn: string;
  givenName: string | null;
  displayName: string | null;
  mail: string | null;
  title: string | null;
  department: string | null;
  employeeType: string | null;
  /** the manager's employee id as the source gave it; the DN is resolved at read time */
  managerEmployeeId: string | null;
  /** sorted ids of the groups the person is in, the primary group included */
  groupIds: number[];
  createdAt: string;
  updatedAt: string;
  /** values derived on first read (hashes), kept with the record they derive from */
  memo: { guid?: string };
}

export interface GroupRec extends RecBase {
  kind: 'group';
  name: string;
  gidNumber: number;
  description: string | null;
  /** where a source group comes from ('source:<name>'), served as businessCategory; null for other groups */
  provenance: string | null;
  createdAt: string;
  /** sorted person ids */
  memberIds: number[];
  /** sorted ids of groups nested in this one */
  nestedIds: number[];
  /** sorted ids of groups this one is nested in */
  parentIds: number[];
  /** rendered member/memberUid values, filled on first read (the record itself never changes) */
  cache: { member?: string[]; memberUid?: string[] };
}

/** Base, OUs and service accounts: few, small, rendered once. */
export interface StaticRec extends RecBase {
  kind: 'static' | 'service';
  name: string;
  entry: LdapEntry;
}

export type Rec = PersonRec | GroupRec | StaticRec;

/** Terminated people are absent from the directory; everybody else is served. */
export function isVisible(identity: Identity): boolean {
  return identity.state !== 'terminated' && typeof identity.username === 'string' && identity.username.length > 0;
}

export function personDN(username: string, o: ResolvedOptions): string {
  return `uid=${escapeDNValue(username)},${o.peopleDN}`;
}

export function groupDN(name: string, o: ResolvedOptions): string {
  return `cn=${escapeDNValue(name)},${o.groupsDN}`;
}

const str = (v: string | null | undefined): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

/** The record of a visible identity; `groupIds` is resolved by the caller (it needs the group table). */
export function personRec(identity: Identity, groupIds: number[], o: ResolvedOptions): PersonRec {
  const a = identity.attributes;
  const givenName = str(a.givenName);
  const sn = str(a.sn);
  const displayName = str(a.displayName);
  const cn = displayName ?? ([givenName, sn].filter(Boolean).join(' ') || identity.username);
  // Flat copies: the cons-string trees of the template literals would cost more than the text, and
  // ndn is a map key (V8 flattens a key in place but keeps the tree around it).
  const dn = flat(personDN(identity.username, o));
  return {
    kind: 'person',
    id: personId(identity.uidNumber),
    dn,
    // Same result as normalizeDN(dn), without re-parsing the parent part 100,000 times.
    ndn: flat(`uid=${normalizeRdnValue(identity.username)},${o.npeopleDN}`),
    parent: o.npeopleDN,
    identityId: identity.id,
    username: identity.username,
    uidNumber: identity.uidNumber,
    employeeId: str(identity.employeeId) ?? str(a.employeeId),
    state: identity.state,
    cn,
    sn: sn ?? cn,
    givenName,
    displayName,
    mail: str(a.mail),
    title: str(a.title),
    department: str(a.department),
    employeeType: str(a.employeeType),
    managerEmployeeId: str(a.manager),
    groupIds,
    createdAt: identity.createdAt,
    updatedAt: identity.updatedAt,
    memo: {},
  };
}

/** Group names an identity is entitled to (kind 'group'), without duplicates. */
export function entitledGroupNames(identity: Identity): string[] {
  const names = new Set<string>();
  for (const e of identity.entitlements ?? []) if (e.kind === 'group' && e.name) names.add(e.name);
  return [...names];
}
