// The snapshot's direct encoder (records straight to BER, only the selected attributes) must send
// byte for byte what rendering the whole entry, selecting and encoding it sends.
import { generateDirectory } from '../../scripts/lib/gen-directory';
import type { DirFilter } from '../../src/ldap/contract';
import { searchEntry } from '../../src/ldap/server/ber-write';
import { parseFilterString } from '../../src/ldap/filter/compile';
import { selectAttributes } from '../../src/ldap/view/select';
import { selectionFor } from '../../src/ldap/view/selection';
import { buildSnapshot, type Snapshot } from '../../src/ldap/view/snapshot';

const BASE = 'dc=example,dc=com';
const data = generateDirectory(300, 25, 7);
const snap = buildSnapshot(data.identities, data.groups, { baseDN: BASE, serviceAccounts: ['app'] });

const SELECTIONS: [string[], boolean][] = [
  [[], false],
  [['*'], false],
  [['+'], false],
  [['*', '+'], false],
  [['1.1'], false],
  [['1.1', 'uid'], false],
  [['uid', 'cn', 'sn', 'givenName', 'mail', 'uidNumber', 'gidNumber', 'homeDirectory', 'loginShell', 'gecos'], false],
  [['MEMBEROF', 'entryuuid', 'member', 'memberUid', '2.5.4.3', 'userid', 'cn;lang-en', 'unknownAttr'], false],
  [['*'], true],
  [['objectClass', 'createTimestamp'], true],
];

function both(base: string, scope: 'base' | 'one' | 'sub', filter: DirFilter, requested: string[], typesOnly: boolean): [string[], string[]] {
  const rendered = [...(snap.search({ base, scope, filter }) ?? [])].map((e) => searchEntry(9, e.dn, selectAttributes(e, requested, typesOnly)).toString('hex'));
  const enc = snap.searchEncoded!({ base, scope, filter }, selectionFor(requested, typesOnly))!;
  const direct = [...enc.entries].map((r) => enc.encode(r, 9).toString('hex'));
  return [direct, rendered];
}

describe('searchEncoded', () => {
  it.each(SELECTIONS)('encodes every entry of the tree like render + select + encode (%j, typesOnly %s)', (requested, typesOnly) => {
    const [direct, rendered] = both(BASE, 'sub', { type: 'true' }, requested, typesOnly);
    expect(rendered.length).toBe(snap.entryCount);
    expect(direct).toEqual(rendered);
  });

  it('returns the same entries as search() for indexed, scanned and scoped filters', () => {
    const sample = data.identities.find((i) => i.state === 'active')!;
    const filters = [
      `(uid=${sample.username})`,
      `(UID=${sample.username.toUpperCase()})`,
      `(sAMAccountName=${sample.username})`,
      `(uidNumber=${sample.uidNumber})`,
      `(uidNumber=0${sample.uidNumber})`,
      '(uidNumber=abc)',
      '(uid=nobody-here)',
      '(&(objectClass=posixAccount)(uidNumber>=1100))',
      `(|(uid=${sample.username})(cn=*a*))`,
      '(!(uid=*))',
    ];
    for (const text of filters) {
      for (const [base, scope] of [[BASE, 'sub'], [`ou=people,${BASE}`, 'one'], [`ou=groups,${BASE}`, 'sub'], [`uid=${sample.username},ou=people,${BASE}`, 'base']] as const) {
        const [direct, rendered] = both(base, scope, parseFilterString(text), ['uid', 'memberOf'], false);
        expect({ text, base, direct }).toEqual({ text, base, direct: rendered });
      }
    }
  });

  it('answers null for a base that does not exist, like search()', () => {
    expect(snap.searchEncoded!({ base: `ou=nowhere,${BASE}`, scope: 'sub', filter: { type: 'true' } }, selectionFor([], false))).toBeNull();
    expect(snap.search({ base: `ou=nowhere,${BASE}`, scope: 'sub', filter: { type: 'true' } })).toBeNull();
  });
});

describe('gecos', () => {
  it('transliterates the cn keeping case and the letters NFD cannot split (Ł -> L)', () => {
    const [first] = data.identities.filter((i) => i.state === 'active');
    const jose = { ...first, attributes: { ...first.attributes, displayName: 'José Müller-Łukasz' } };
    const one = buildSnapshot([jose], [], { baseDN: BASE, serviceAccounts: [] });
    const dn = `uid=${jose.username},ou=people,${BASE}`;
    expect(one.entry(dn)?.attrs.get('gecos')?.values).toEqual(['Jose Muller-Lukasz']);
    expect(one.entry(dn)?.attrs.get('cn')?.values).toEqual(['José Müller-Łukasz']);
    const enc = one.searchEncoded!({ base: dn, scope: 'base', filter: { type: 'true' } }, selectionFor(['gecos'], false))!;
    const bytes = [...enc.entries].map((r) => enc.encode(r, 1));
    expect(bytes).toHaveLength(1);
    expect(bytes[0].includes(Buffer.from('Jose Muller-Lukasz'))).toBe(true);
  });
});

describe('selectionFor', () => {
  it('memoises by list, never mixing up a name that contains the key separator', () => {
    expect(selectionFor(['uid', 'cn'], false)).toBe(selectionFor(['uid', 'cn'], false));
    expect(selectionFor(['uid', 'cn'], true)).not.toBe(selectionFor(['uid', 'cn'], false));
    const joined = selectionFor(['uid\0cn'], false);
    expect([...joined.wanted]).toEqual(['uid\0cn']);
    expect([...selectionFor(['uid', 'cn'], false).wanted]).toEqual(['uid', 'cn']);
  });
});

describe('encoded entry cache', () => {
  const people = `ou=people,${BASE}`;
  const listing = (s: typeof snap, requested: string[], typesOnly = false, messageId = 9): string[] => {
    const enc = s.searchEncoded!({ base: people, scope: 'one', filter: parseFilterString('(objectClass=posixAccount)') }, selectionFor(requested, typesOnly))!;
    return [...enc.entries].map((r) => enc.encode(r, messageId).toString('hex'));
  };
  const rendered = (s: typeof snap, requested: string[], typesOnly = false): string[] =>
    [...(s.search({ base: people, scope: 'one', filter: parseFilterString('(objectClass=posixAccount)') }) ?? [])].map((e) =>
      searchEntry(9, e.dn, selectAttributes(e, requested, typesOnly)).toString('hex'));

  it('sends the same bytes on a repeated listing, under any message id, for lists naming the same attributes', () => {
    const first = listing(snap, ['uid', 'cn', 'gecos']);
    expect(listing(snap, ['uid', 'cn', 'gecos'])).toEqual(first);
    // Same attributes, other order and spelling: shares cached bodies, and the bytes stay right.
    expect(listing(snap, ['GECOS', 'commonName', 'userid'])).toEqual(first);
    expect(listing(snap, ['uid', 'cn', 'gecos'], true)).toEqual(rendered(snap, ['uid', 'cn', 'gecos'], true));
    const far = listing(snap, ['uid', 'cn', 'gecos'], false, 70000);
    expect(far.map((h) => Buffer.from(h, 'hex').subarray(-40).toString('hex'))).toEqual(first.map((h) => Buffer.from(h, 'hex').subarray(-40).toString('hex')));
    expect(far[0]).not.toEqual(first[0]);
  });

  it('serves a changed entry from the new snapshot with its new values, and the old snapshot unchanged', () => {
    const before = listing(snap, ['uid', 'cn', 'gecos']);
    const target = data.identities.find((i) => i.state === 'active')!;
    const renamed = { ...target, attributes: { ...target.attributes, displayName: 'Renamed Person' } };
    const next = (snap as Snapshot).withIdentityChanges([renamed]);
    const after = listing(next, ['uid', 'cn', 'gecos']);
    expect(after).toEqual(rendered(next, ['uid', 'cn', 'gecos']));
    expect(after.some((h) => Buffer.from(h, 'hex').includes(Buffer.from('Renamed Person')))).toBe(true);
    expect(listing(snap, ['uid', 'cn', 'gecos'])).toEqual(before);
    expect(before.some((h) => Buffer.from(h, 'hex').includes(Buffer.from('Renamed Person')))).toBe(false);
  });
});
