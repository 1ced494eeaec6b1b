import type { Group, Identity, LifecycleState } from '../../src/domain/types';
import type { DirectorySnapshot, LdapEntry, Scope } from '../../src/ldap/contract';
import { parseFilterString } from '../../src/ldap/filter/compile';
import { buildSnapshot } from '../../src/ldap/view/snapshot';
import { generateDirectory } from '../../scripts/lib/gen-directory';

const BASE = 'dc=example,dc=com';

function person(uidNumber: number, username: string, state: LifecycleState, extra: Partial<Identity['attributes']>, groups: string[] = []): Identity {
  return {
    id: `00000000-0000-4000-8000-${String(uidNumber).padStart(12, '0')}`,
    revision: 1,
    username,
    uidNumber,
    employeeId: extra.employeeId ?? null,
    state,
    stateChangedAt: '2026-01-15T09:00:00Z',
    attributes: { givenName: null, sn: null, displayName: null, mail: `${username}@example.com`, ...extra },
    provenance: {},
    links: [],
    entitlements: groups.map((name) => ({ kind: 'group' as const, name, rule: 'test' })),
    createdAt: '2026-01-15T09:00:00.000Z',
    updatedAt: '2026-02-01T10:30:00.000Z',
  };
}

const group = (name: string, gidNumber: number, memberGroups?: string[]): Group => ({
  name,
  gidNumber,
  description: `${name} group`,
  origin: 'test',
  createdAt: '2026-01-01T00:00:00Z',
  ...(memberGroups ? { memberGroups } : {}),
});

const identities = [
  person(1002, 'bob', 'active', { employeeId: 'E2', givenName: 'Bob', sn: 'Builder', manager: 'E1' }, ['eng']),
  person(1001, 'alice', 'active', { employeeId: 'E1', givenName: 'Alice', sn: 'Émond', displayName: 'Alice Émond' }, ['eng', 'ops']),
  person(1003, 'carol', 'suspended', { employeeId: 'E3', givenName: 'Carol', sn: 'Danvers', manager: 'E1' }, ['ops']),
  person(1004, 'dave', 'terminated', { employeeId: 'E4', givenName: 'Dave', sn: 'Gone' }, ['eng']),
  person(1005, 'erin', 'prehire', { employeeId: 'E5', givenName: 'Erin', sn: 'Early', manager: 'E4' }, ['nosuchgroup']),
];
const groups = [
  group('eng', 2001),
  group('ops', 2002),
  group('all-tech', 2003, ['eng']),
  group('loop-a', 2004, ['loop-b']),
  group('loop-b', 2005, ['loop-a', 'all-tech']),
];

const snap: DirectorySnapshot = buildSnapshot(identities, groups, { baseDN: BASE, serviceAccounts: ['app'] });

function dns(filter: string, base = BASE, scope: Scope = 'sub'): string[] {
  const r = snap.search({ base, scope, filter: parseFilterString(filter) });
  if (r === null) throw new Error('noSuchObject');
  return [...r].map((e) => e.dn);
}

const values = (e: LdapEntry | undefined, name: string): string[] | undefined => e?.attrs.get(name.toLowerCase())?.values;

describe('the DIT', () => {
  it('has the base, the three OUs, people, groups and service accounts, in a stable order', () => {
    expect(dns('(objectClass=*)')).toEqual([
      BASE,
      `ou=people,${BASE}`,
      `ou=groups,${BASE}`,
      `ou=services,${BASE}`,
      `uid=alice,ou=people,${BASE}`,
      `uid=bob,ou=people,${BASE}`,
      `uid=carol,ou=people,${BASE}`,
      `uid=erin,ou=people,${BASE}`,
      `cn=eng,ou=groups,${BASE}`,
      `cn=ops,ou=groups,${BASE}`,
      `cn=all-tech,ou=groups,${BASE}`,
      `cn=loop-a,ou=groups,${BASE}`,
      `cn=loop-b,ou=groups,${BASE}`,
      `cn=staff,ou=groups,${BASE}`,
      `cn=app,ou=services,${BASE}`,
    ]);
    expect(snap.entryCount).toBe(15);
  });

  it('serves a person with every attribute the contract lists', () => {
    const alice = snap.entry(`uid=alice,ou=people,${BASE}`)!;
    expect(values(alice, 'objectClass')).toEqual(['top', 'person', 'organizationalPerson', 'inetOrgPerson', 'posixAccount', 'shadowAccount']);
    expect(values(alice, 'cn')).toEqual(['Alice Émond']);
    expect(values(alice, 'gecos')).toEqual(['Alice Emond']);
    expect(values(alice, 'uidNumber')).toEqual(['1001']);
    expect(values(alice, 'gidNumber')).toEqual(['5000']);
    expect(values(alice, 'homeDirectory')).toEqual(['/home/alice']);
    expect(values(alice, 'userPrincipalName')).toEqual(['alice@example.com']);
    expect(values(alice, 'sAMAccountName')).toEqual(['alice']);
    expect(values(alice, 'userAccountControl')).toEqual(['512']);
    expect(values(alice, 'memberOf')).toEqual([`cn=eng,ou=groups,${BASE}`, `cn=ops,ou=groups,${BASE}`, `cn=staff,ou=groups,${BASE}`]);
    expect(values(alice, 'entryUUID')).toEqual(['00000000-0000-4000-8000-000000001001']);
    expect(values(alice, 'createTimestamp')).toEqual(['20260115090000Z']);
    expect(values(alice, 'modifyTimestamp')).toEqual(['20260201103000Z']);
    expect(values(alice, 'objectGUID')?.[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(alice.attrs.get('entryuuid')?.operational).toBe(true);
    expect(alice.attrs.get('memberof')?.operational).toBe(false);
    expect(alice.attrs.has('userpassword')).toBe(false);
  });

  it('resolves manager to the manager DN, and drops it when the manager is terminated', () => {
    expect(values(snap.entry(`uid=bob,ou=people,${BASE}`), 'manager')).toEqual([`uid=alice,ou=people,${BASE}`]);
    expect(values(snap.entry(`uid=erin,ou=people,${BASE}`), 'manager')).toBeUndefined();
  });

  it('leaves terminated people out and keeps suspended and prehire people, disabled', () => {
    expect(snap.entry(`uid=dave,ou=people,${BASE}`)).toBeUndefined();
    const carol = snap.entry(`uid=carol,ou=people,${BASE}`);
    expect(values(carol, 'userAccountControl')).toEqual(['514']);
    expect(values(carol, 'shadowExpire')).toEqual(['1']);
    expect(values(snap.entry(`uid=erin,ou=people,${BASE}`), 'userAccountControl')).toEqual(['514']);
  });

  it('serves groups as groupOfNames + posixGroup with member, memberUid and nested groups', () => {
    const eng = snap.entry(`cn=eng,ou=groups,${BASE}`);
    expect(values(eng, 'objectClass')).toEqual(['top', 'groupOfNames', 'posixGroup']);
    expect(values(eng, 'member')).toEqual([`uid=alice,ou=people,${BASE}`, `uid=bob,ou=people,${BASE}`]);
    expect(values(eng, 'memberUid')).toEqual(['alice', 'bob']);
    expect(values(eng, 'gidNumber')).toEqual(['2001']);
    expect(values(eng, 'memberOf')).toEqual([`cn=all-tech,ou=groups,${BASE}`]);
    expect(values(snap.entry(`cn=all-tech,ou=groups,${BASE}`), 'member')).toEqual([`cn=eng,ou=groups,${BASE}`]);
    const staff = snap.entry(`cn=staff,ou=groups,${BASE}`);
    expect(values(staff, 'memberUid')).toEqual(['alice', 'bob', 'carol', 'erin']);
  });

  it('serves service accounts without any password attribute', () => {
    const app = snap.entry(`cn=app,ou=services,${BASE}`)!;
    expect(values(app, 'objectClass')).toEqual(['top', 'applicationProcess']);
    expect([...app.attrs.keys()].some((k) => k.includes('password'))).toBe(false);
  });

  it('knows bind subjects by DN, case- and space-insensitively', () => {
    expect(snap.bindSubject(`UID=Carol , OU=People,DC=Example,DC=Com`)).toEqual({
      kind: 'person',
      identityId: '00000000-0000-4000-8000-000000001003',
      username: 'carol',
      state: 'suspended',
      dn: `uid=carol,ou=people,${BASE}`,
      groups: ['ops', 'staff'],
    });
    expect(snap.bindSubject(`cn=APP,ou=services,${BASE}`)).toEqual({ kind: 'service', name: 'app', dn: `cn=app,ou=services,${BASE}` });
    expect(snap.bindSubject(`uid=dave,ou=people,${BASE}`)).toBeUndefined();
    expect(snap.bindSubject(`cn=eng,ou=groups,${BASE}`)).toBeUndefined();
    expect(snap.bindSubject('not a dn')).toBeUndefined();
  });
});

describe('search scopes and bases', () => {
  it('honours base, one and sub', () => {
    expect(dns('(objectClass=*)', `ou=people,${BASE}`, 'base')).toEqual([`ou=people,${BASE}`]);
    expect(dns('(objectClass=*)', BASE, 'one')).toEqual([`ou=people,${BASE}`, `ou=groups,${BASE}`, `ou=services,${BASE}`]);
    expect(dns('(objectClass=*)', `ou=services,${BASE}`, 'sub')).toEqual([`ou=services,${BASE}`, `cn=app,ou=services,${BASE}`]);
    expect(dns('(uid=alice)', `ou=groups,${BASE}`, 'sub')).toEqual([]);
    expect(dns('(uid=alice)', `uid=alice,ou=people,${BASE}`, 'one')).toEqual([]);
  });

  it('normalises the base DN (case, spaces, aliases)', () => {
    expect(dns('(uid=bob)', 'OU=People, DC=EXAMPLE , dc=com')).toEqual([`uid=bob,ou=people,${BASE}`]);
    expect(dns('(objectClass=*)', `userid=BOB,ou=people,${BASE}`, 'base')).toEqual([`uid=bob,ou=people,${BASE}`]);
  });

  it('answers null (noSuchObject) for a base outside the tree, missing or malformed', () => {
    const search = (base: string) => snap.search({ base, scope: 'sub', filter: { type: 'true' } });
    expect(search('dc=other,dc=com')).toBeNull();
    expect(search(`uid=dave,ou=people,${BASE}`)).toBeNull();
    expect(search('dc=com')).toBeNull();
    expect(search('===')).toBeNull();
  });

  it('serves the subschema entry at cn=Subschema', () => {
    const r = snap.search({ base: 'cn=subschema', scope: 'base', filter: parseFilterString('(objectClass=subschema)') });
    const e = [...r!][0];
    expect(e.dn).toBe('cn=Subschema');
    expect(values(e, 'attributeTypes')!.some((d) => d.includes("NAME 'memberOf'") && d.includes('1.2.840.113556.1.2.102'))).toBe(true);
  });
});

describe('filters over the view', () => {
  it('matches by each attribute rule and index', () => {
    expect(dns('(uid=ALICE)')).toEqual([`uid=alice,ou=people,${BASE}`]);
    expect(dns('(sAMAccountName=Bob)')).toEqual([`uid=bob,ou=people,${BASE}`]);
    expect(dns('(userPrincipalName=CAROL@example.com)')).toEqual([`uid=carol,ou=people,${BASE}`]);
    expect(dns('(employeeNumber=e2)')).toEqual([`uid=bob,ou=people,${BASE}`]);
    expect(dns('(mail=ERIN@EXAMPLE.COM)')).toEqual([`uid=erin,ou=people,${BASE}`]);
    expect(dns('(cn=alice émond)')).toEqual([`uid=alice,ou=people,${BASE}`]);
    expect(dns('(uidNumber=1003)')).toEqual([`uid=carol,ou=people,${BASE}`]);
    expect(dns('(gidNumber=2002)')).toEqual([`cn=ops,ou=groups,${BASE}`]);
    expect(dns('(&(objectClass=posixAccount)(gidNumber=5000))')).toHaveLength(4);
    expect(dns('(memberUid=bob)')).toEqual([`cn=eng,ou=groups,${BASE}`, `cn=staff,ou=groups,${BASE}`]);
    expect(dns('(memberUid=BOB)')).toEqual([]); // memberUid is caseExactIA5Match (RFC 2307)
    expect(dns(`(member=UID=Bob,ou=people,${BASE})`)).toEqual([`cn=eng,ou=groups,${BASE}`, `cn=staff,ou=groups,${BASE}`]);
    expect(dns(`(memberOf=cn=OPS,ou=groups,${BASE})`)).toEqual([`uid=alice,ou=people,${BASE}`, `uid=carol,ou=people,${BASE}`]);
    expect(dns(`(manager=uid=alice,ou=people,${BASE})`)).toEqual([`uid=bob,ou=people,${BASE}`, `uid=carol,ou=people,${BASE}`]);
    expect(dns(`(entryDN=uid=erin,ou=people,${BASE})`)).toEqual([`uid=erin,ou=people,${BASE}`]);
    expect(dns('(entryUUID=00000000-0000-4000-8000-000000001002)')).toEqual([`uid=bob,ou=people,${BASE}`]);
    expect(dns('(uidNumber>=1003)')).toEqual([`uid=carol,ou=people,${BASE}`, `uid=erin,ou=people,${BASE}`]);
    expect(dns('(modifyTimestamp>=20260201000000Z)')).toHaveLength(4);
  });

  it('finds disabled accounts with BIT_AND on userAccountControl', () => {
    expect(dns('(userAccountControl:1.2.840.113556.1.4.803:=2)')).toEqual([`uid=carol,ou=people,${BASE}`, `uid=erin,ou=people,${BASE}`]);
    expect(dns('(&(objectClass=person)(!(userAccountControl:1.2.840.113556.1.4.803:=2)))')).toEqual([
      `uid=alice,ou=people,${BASE}`,
      `uid=bob,ou=people,${BASE}`,
    ]);
  });

  it('follows nested groups with IN_CHAIN, on memberOf and on member, through cycles', () => {
    expect(dns(`(memberOf:1.2.840.113556.1.4.1941:=cn=all-tech,ou=groups,${BASE})`)).toEqual([
      `uid=alice,ou=people,${BASE}`,
      `uid=bob,ou=people,${BASE}`,
      `cn=eng,ou=groups,${BASE}`,
    ]);
    // loop-a and loop-b contain each other; loop-b also holds all-tech, which holds eng.
    expect(dns(`(memberOf:1.2.840.113556.1.4.1941:=cn=loop-a,ou=groups,${BASE})`)).toEqual([
      `uid=alice,ou=people,${BASE}`,
      `uid=bob,ou=people,${BASE}`,
      `cn=eng,ou=groups,${BASE}`,
      `cn=all-tech,ou=groups,${BASE}`,
      `cn=loop-a,ou=groups,${BASE}`,
      `cn=loop-b,ou=groups,${BASE}`,
    ]);
    expect(dns(`(member:1.2.840.113556.1.4.1941:=uid=bob,ou=people,${BASE})`)).toEqual([
      `cn=eng,ou=groups,${BASE}`,
      `cn=all-tech,ou=groups,${BASE}`,
      `cn=loop-a,ou=groups,${BASE}`,
      `cn=loop-b,ou=groups,${BASE}`,
      `cn=staff,ou=groups,${BASE}`,
    ]);
    expect(dns(`(memberOf=cn=all-tech,ou=groups,${BASE})`)).toEqual([`cn=eng,ou=groups,${BASE}`]);
  });

  it('never matches on Undefined: an unknown attribute, negated or not', () => {
    expect(dns('(fooBar=1)')).toEqual([]);
    expect(dns('(!(fooBar=1))')).toEqual([]);
    expect(dns('(&(objectClass=person)(!(fooBar=*)))')).toEqual([]);
    expect(dns('(&(objectClass=person)(!(description=*)))')).toHaveLength(4);
  });
});

describe('index plan', () => {
  // OR with an always-FALSE, unindexable branch forces a full scan; the answer must not change.
  const scanned = (f: string): string => `(|${f}(!(objectClass=*)))`;
  const data = generateDirectory(1500, 60, 3);
  const big = buildSnapshot(data.identities, data.groups, { baseDN: BASE, serviceAccounts: ['app'] });
  const answer = (f: string, base = BASE, scope: Scope = 'sub') =>
    [...(big.search({ base, scope, filter: parseFilterString(f) }) ?? [])].map((e) => e.dn);
  const someone = data.identities.find((i) => i.state === 'active' && i.attributes.manager)!;
  const filters = [
    `(uid=${someone.username.toUpperCase()})`,
    `(mail=${someone.attributes.mail})`,
    `(cn=${someone.attributes.displayName})`,
    `(&(objectClass=posixAccount)(uid=${someone.username}))`,
    `(|(uid=${someone.username})(uidNumber=10007)(employeeNumber=E100009))`,
    `(memberUid=${someone.username})`,
    `(member=uid=${someone.username},ou=people,${BASE})`,
    `(memberOf=cn=proj-30,ou=groups,${BASE})`,
    `(&(memberOf=cn=proj-30,ou=groups,${BASE})(memberOf=cn=proj-31,ou=groups,${BASE}))`,
    `(memberOf:1.2.840.113556.1.4.1941:=cn=proj-20,ou=groups,${BASE})`,
    `(member:1.2.840.113556.1.4.1941:=cn=proj-21,ou=groups,${BASE})`,
    '(gidNumber=5000)',
    '(gidNumber=20003)',
    '(objectClass=groupOfNames)',
    `(userPrincipalName=${someone.username}@example.com)`,
    '(&(objectClass=person)(userAccountControl=514))',
  ];

  it.each(filters)('answers %s the same with and without indexes', (f) => {
    const indexed = answer(f);
    expect(indexed.length).toBeGreaterThan(0);
    expect(answer(scanned(f))).toEqual(indexed);
    expect(answer(f, `ou=people,${BASE}`, 'one')).toEqual(answer(scanned(f), `ou=people,${BASE}`, 'one'));
  });

  it('returns the same order on every call (paging relies on it)', () => {
    const f = '(objectClass=person)';
    const first = answer(f);
    expect(answer(f)).toEqual(first);
    const uidNumbers = first.map((dn) => Number(values(big.entry(dn), 'uidNumber')![0]));
    expect(uidNumbers).toEqual([...uidNumbers].sort((a, b) => a - b));
  });
});
