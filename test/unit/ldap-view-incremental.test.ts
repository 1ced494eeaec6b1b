import type { Identity } from '../../src/domain/types';
import type { LdapEntry } from '../../src/ldap/contract';
import { buildSnapshot, Snapshot } from '../../src/ldap/view/snapshot';
import { generateDirectory } from '../../scripts/lib/gen-directory';

const BASE = 'dc=example,dc=com';
const opts = { baseDN: BASE, serviceAccounts: ['app'] };

/** Every entry of a snapshot as plain data, so two snapshots can be compared exactly. */
function dump(s: Snapshot): Record<string, Record<string, string[]>> {
  const out: Record<string, Record<string, string[]>> = {};
  for (const e of s.search({ base: BASE, scope: 'sub', filter: { type: 'true' } })!) out[e.dn] = plain(e);
  return out;
}
const plain = (e: LdapEntry) => Object.fromEntries([...e.attrs.values()].map((a) => [a.name, [...a.values]]));
const order = (s: Snapshot) => [...s.search({ base: BASE, scope: 'sub', filter: { type: 'true' } })!].map((e) => e.dn);

describe('incremental snapshot updates', () => {
  const data = generateDirectory(800, 40, 11);
  const start = buildSnapshot(data.identities, data.groups, opts) as Snapshot;

  it('end in exactly the state a full rebuild produces, after many kinds of change', () => {
    const current = new Map(data.identities.map((i) => [i.id, i]));
    let snap = start;
    const change = (next: Identity) => {
      current.set(next.id, next);
      snap = snap.withIdentityChanges([next]);
    };
    const active = data.identities.filter((i) => i.state === 'active');
    const managerIds = new Set(data.identities.map((i) => i.attributes.manager).filter(Boolean));
    const aManager = active.find((i) => managerIds.has(i.employeeId))!;
    const terminated: Identity = { ...active[6], state: 'terminated' };
    change(terminated);
    change({ ...active[0], attributes: { ...active[0].attributes, title: 'Chief Tester', mail: 'new.mail@example.com' } });
    change({ ...active[1], entitlements: [{ kind: 'group', name: 'proj-25', rule: 't' }] });
    change({ ...active[2], state: 'suspended' });
    change({ ...aManager, state: 'terminated' }); // reports lose their manager DN
    change({ ...terminated, state: 'active' }); // back from termination
    change({ ...active[3], attributes: { ...active[3].attributes, displayName: 'Renamed Person' } });
    const hire: Identity = { ...active[4], id: 'new-hire-1', username: 'newhire', uidNumber: 99999, employeeId: 'E999999' };
    change({ ...hire, attributes: { ...hire.attributes, mail: 'newhire@example.com', employeeId: 'E999999' } });
    snap = snap.withIdentityChanges([], [active[5].id]); // deleted from the store
    current.delete(active[5].id);

    const rebuilt = buildSnapshot([...current.values()], data.groups, opts) as Snapshot;
    expect(dump(snap)).toEqual(dump(rebuilt));
    expect(order(snap)).toEqual(order(rebuilt));
    expect(snap.version).toBe(start.version + 9);
  });

  it('leaves the old snapshot untouched, even while it is being iterated', () => {
    const before = dump(start);
    const victim = data.identities.find((i) => i.state === 'active')!;
    const iterator = start.search({ base: `ou=people,${BASE}`, scope: 'one', filter: { type: 'true' } })![Symbol.iterator]();
    const firstHalf: string[] = [];
    for (let i = 0; i < 10; i++) firstHalf.push(iterator.next().value!.dn);
    const next = start.withIdentityChanges([{ ...victim, state: 'terminated' }]);
    const rest: string[] = [];
    for (let r = iterator.next(); !r.done; r = iterator.next()) rest.push(r.value.dn);
    expect(firstHalf.length + rest.length).toBe(Object.keys(before).filter((dn) => dn.startsWith('uid=')).length);
    expect(dump(start)).toEqual(before);
    expect(next.entry(`uid=${victim.username},ou=people,${BASE}`)).toBeUndefined();
    expect(start.entry(`uid=${victim.username},ou=people,${BASE}`)).toBeDefined();
  });

  it('drops a terminated person from every group at once', () => {
    const victim = data.identities.find((i) => i.state === 'active')!;
    const next = start.withIdentityChanges([{ ...victim, state: 'terminated' }]);
    const dn = `uid=${victim.username},ou=people,${BASE}`;
    expect([...next.search({ base: BASE, scope: 'sub', filter: { type: 'eq', attr: 'member', value: dn } })!]).toEqual([]);
    expect([...next.search({ base: BASE, scope: 'sub', filter: { type: 'eq', attr: 'memberuid', value: victim.username } })!]).toEqual([]);
    expect(next.bindSubject(dn)).toBeUndefined();
  });
});
