// Deterministic, realistic directory data for the LDAP benchmark, the differential test against slapd
// and the view's own tests: unique usernames and mails, departments, titles, a management chain,
// 5-20 groups per person, a few suspended, prehire and terminated people, a few nested groups.
import type { Entitlement, Group, Identity, LifecycleState } from '../../src/domain/types';
import type { LdapEntry } from '../../src/ldap/contract';
import { buildSnapshot } from '../../src/ldap/view/snapshot';
import type { ViewOptions } from '../../src/ldap/view/records';

export interface GeneratedDirectory {
  identities: Identity[];
  groups: Group[];
}

const GIVEN = [
  'James', 'Mary', 'John', 'Patricia', 'Robert', 'Jennifer', 'Michael', 'Linda', 'William', 'Elizabeth',
  'David', 'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Charles', 'Karen',
  'Chloé', 'José', 'Zoë', 'Björn', 'Ana', 'Mohammed', 'Wei', 'Yuki', 'Priya', 'Olga', 'Lucas', 'Emma',
  'Noah', 'Olivia', 'Liam', 'Ava', 'Mateo', 'Sofia', 'Arjun', 'Fatima',
];
const FAMILY = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
  'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin',
  'Müller', 'Dubois', 'Rossi', 'Nakamura', 'Kowalski', 'Novák', 'Jensen', 'Silva', 'Kim', 'Nguyen',
  "O'Brien", 'Van der Berg', 'Schmidt', 'Ivanova', 'Chen', 'Patel', 'Singh', 'Cohen', 'Haddad', 'Costa',
];
const DEPARTMENTS = [
  'Engineering', 'Sales', 'Marketing', 'Finance', 'Human Resources', 'Legal', 'Operations', 'Support',
  'Research', 'IT', 'Security', 'Procurement', 'Facilities', 'Product', 'Design', 'Data', 'Quality',
  'Logistics', 'Training', 'Executive',
];
const TITLES = ['Engineer', 'Senior Engineer', 'Analyst', 'Specialist', 'Coordinator', 'Consultant', 'Associate', 'Lead'];

/** mulberry32: small, fast, deterministic. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function uuidFrom(next: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(next() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const asciiLogin = (s: string): string =>
  s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z]/g, '');

const LOGIN = new Map([...GIVEN, ...FAMILY].map((n) => [n, asciiLogin(n)]));

const slug = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, '-');

const iso = (base: number, offsetDays: number): string => new Date(base + offsetDays * 86400000).toISOString();

export function generateDirectory(people = 10000, groups = 500, seed = 1): GeneratedDirectory {
  const next = rng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
  const groupList = makeGroups(Math.max(groups, DEPARTMENTS.length), next);
  const deptGroups = groupList.slice(0, DEPARTMENTS.length);
  const otherGroups = groupList.slice(DEPARTMENTS.length);
  const usernames = new Set<string>();
  const suffixes = new Map<string, number>();
  const managersByDept = new Map<string, string[]>();
  const identities: Identity[] = [];
  const epoch = Date.UTC(2020, 0, 1);
  for (let i = 0; i < people; i++) {
    const given = pick(GIVEN);
    const family = pick(FAMILY);
    const base = `${LOGIN.get(given)![0]}${LOGIN.get(family)}`.slice(0, 20);
    // A per-base counter keeps this linear: probing 2, 3, 4... from scratch would be quadratic.
    let n = suffixes.get(base) ?? 1;
    let username = n === 1 ? base : `${base}${n}`;
    while (usernames.has(username)) username = `${base}${++n}`;
    suffixes.set(base, n + 1);
    usernames.add(username);
    const deptIndex = Math.floor(next() * DEPARTMENTS.length);
    const department = DEPARTMENTS[deptIndex];
    const employeeId = `E${String(100000 + i)}`;
    const managers = managersByDept.get(department) ?? [];
    const isManager = managers.length === 0 || next() < 0.05;
    const manager = managers.length > 0 ? pick(managers) : null;
    if (isManager) managersByDept.set(department, [...managers, employeeId]);
    const roll = next();
    const state: LifecycleState = roll < 0.01 ? 'suspended' : roll < 0.015 ? 'prehire' : roll < 0.02 ? 'terminated' : 'active';
    const created = iso(epoch, Math.floor(next() * 1800));
    const entitlements: Entitlement[] = [{ kind: 'group', name: deptGroups[deptIndex].name, rule: 'department' }];
    const extra = 4 + Math.floor(next() * 16);
    const chosen = new Set<string>();
    while (chosen.size < Math.min(extra, otherGroups.length)) chosen.add(pick(otherGroups).name);
    for (const name of chosen) entitlements.push({ kind: 'group', name, rule: 'generated' });
    identities.push({
      id: uuidFrom(next),
      revision: 1,
      username,
      uidNumber: 10000 + i,
      employeeId,
      state,
      stateChangedAt: created,
      attributes: {
        employeeId,
        givenName: given,
        sn: family,
        displayName: `${given} ${family}`,
        mail: `${username}@example.com`,
        department,
        title: `${isManager ? 'Manager, ' : ''}${pick(TITLES)}`,
        manager,
        status: state === 'terminated' ? 'terminated' : state === 'suspended' ? 'leave' : 'active',
        employeeType: next() < 0.85 ? 'employee' : 'contractor',
      },
      provenance: {},
      links: [{ source: 'hr', externalId: employeeId }],
      entitlements,
      createdAt: created,
      updatedAt: iso(Date.parse(created), Math.floor(next() * 300)),
    });
  }
  return { identities, groups: groupList };
}

function makeGroups(count: number, next: () => number): Group[] {
  const out: Group[] = DEPARTMENTS.map((d, i) => ({
    name: `dept-${slug(d)}`,
    gidNumber: 20000 + i,
    description: `Department ${d}`,
    origin: 'department',
    createdAt: '2020-01-01T00:00:00.000Z',
  }));
  for (let i = out.length; i < count; i++) {
    out.push({
      name: `proj-${i}`,
      gidNumber: 20000 + i,
      description: `Project group ${i}`,
      origin: 'source:hr',
      createdAt: new Date(Date.UTC(2021, 0, 1) + Math.floor(next() * 1000) * 86400000).toISOString(),
    });
  }
  // A few nested groups, so IN_CHAIN has chains to follow: every 50th project group holds the next one.
  for (let i = DEPARTMENTS.length; i + 1 < count; i += 50) out[i].memberGroups = [out[i + 1].name];
  return out;
}

// Attributes slapd with core/cosine/inetorgperson/nis knows. AD attributes, memberOf (needs the
// memberof overlay) and operational attributes are left out of the LDIF.
const LDIF_ATTRS = new Set([
  'objectclass', 'dc', 'o', 'ou', 'uid', 'cn', 'sn', 'givenname', 'displayname', 'mail', 'title',
  'departmentnumber', 'employeenumber', 'employeetype', 'manager', 'uidnumber', 'gidnumber', 'homedirectory',
  'loginshell', 'gecos', 'shadowexpire', 'member', 'memberuid', 'description',
]);

/**
 * The same directory as LDIF, rendered through the view so the values are identical. slapd's
 * nis.schema makes posixGroup STRUCTURAL, which cannot sit beside the structural groupOfNames, so
 * groups are `groupOfNames` + `extensibleObject` (which allows gidNumber and memberUid). Groups
 * without members are left out (groupOfNames requires a member).
 */
export function toLdif(data: GeneratedDirectory, opts: Omit<ViewOptions, 'serviceAccounts'> & { serviceAccounts?: string[] }): string {
  const snapshot = buildSnapshot(data.identities, data.groups, { serviceAccounts: [], ...opts });
  const all = snapshot.search({ base: opts.baseDN, scope: 'sub', filter: { type: 'true' } }) ?? [];
  const chunks: string[] = [];
  for (const entry of all) {
    const text = entryToLdif(entry);
    if (text) chunks.push(text);
  }
  return chunks.join('\n');
}

function entryToLdif(entry: LdapEntry): string | null {
  const classes = entry.attrs.get('objectclass')?.values ?? [];
  const isGroup = classes.includes('groupOfNames');
  if (isGroup && !entry.attrs.get('member')) return null;
  const lines = [line('dn', entry.dn)];
  for (const [key, attr] of entry.attrs) {
    if (!LDIF_ATTRS.has(key) || attr.operational) continue;
    const values = key === 'objectclass' && isGroup ? attr.values.map((c) => (c === 'posixGroup' ? 'extensibleObject' : c)) : attr.values;
    for (const v of values) lines.push(line(attr.name, v));
  }
  return `${lines.join('\n')}\n`;
}

/** `name: value`, or `name:: base64` when the value is not a safe LDIF string (RFC 2849). */
function line(name: string, value: string): string {
  // LDIF SAFE-STRING (RFC 2849): control characters are the point of this check.
  // eslint-disable-next-line no-control-regex
  const safe = /^[\x01-\x09\x0b\x0c\x0e-\x1f\x21-\x39\x3b\x3d-\x7f][\x01-\x09\x0b\x0c\x0e-\x7f]*$/.test(value) && !value.endsWith(' ');
  return safe || value === '' ? `${name}: ${value}` : `${name}:: ${Buffer.from(value, 'utf8').toString('base64')}`;
}
