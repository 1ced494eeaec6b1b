import { randomUUID } from 'node:crypto';
import type { Identity } from '../../src/domain/types';
import { rankEntries, searchEntryOf, SEARCH_LIMIT } from '../../src/domain/people/search';
import { PeopleIndex } from '../../src/services/helpdesk/people-index';
import { SearchTables } from '../../src/services/helpdesk/search-tables';
import { runAtOnce, sortStrings } from '../../src/services/helpdesk/yielding';
import { MemoryStore } from '../../src/storage/memory/memory-store';

let n = 0;
function person(attrs: Record<string, string | null>, over: Partial<Identity> = {}): Identity {
  n++;
  const now = new Date().toISOString();
  return {
    id: randomUUID(),
    revision: 0,
    username: `user${n}`,
    uidNumber: 10000 + n,
    employeeId: `E${1000 + n}`,
    state: 'active',
    stateChangedAt: now,
    attributes: { mail: null, ...attrs },
    provenance: {},
    links: [],
    entitlements: [],
    createdAt: now,
    updatedAt: now,
    ...over,
  };
}

const names = (hits: { username: string }[]) => hits.map((h) => h.username);

describe('people search ranking', () => {
  const ada = person({ givenName: 'Ada', sn: 'Lovelace', displayName: 'Ada Lovelace', mail: 'ada@example.com' }, { username: 'alovelace', employeeId: 'E100' });
  const adam = person({ givenName: 'Adam', sn: 'Smith', displayName: 'Adam Smith', mail: 'adam.smith@example.com' }, { username: 'asmith', employeeId: 'E200' });
  const nada = person({ givenName: 'Nada', sn: 'Ross', mail: 'nada@example.com' }, { username: 'nross', employeeId: 'E300' });
  const entries = [nada, adam, ada].map(searchEntryOf);

  it('puts an exact key before a prefix before a substring, whatever the case', () => {
    expect(names(rankEntries(entries, 'ADA').map((r) => r.entry.hit))).toEqual(['alovelace', 'asmith', 'nross']);
    expect(rankEntries(entries, 'ada').map((r) => r.rank)).toEqual(['exact', 'prefix', 'substring']);
  });

  it('finds by username, employee id, mail, given name, family name and display name', () => {
    expect(names(rankEntries(entries, 'asmith').map((r) => r.entry.hit))).toEqual(['asmith']);
    expect(names(rankEntries(entries, 'e300').map((r) => r.entry.hit))).toEqual(['nross']);
    expect(names(rankEntries(entries, 'adam.smith@').map((r) => r.entry.hit))).toEqual(['asmith']);
    expect(names(rankEntries(entries, 'lovelace').map((r) => r.entry.hit))).toEqual(['alovelace']);
    expect(names(rankEntries(entries, 'ada lovel').map((r) => r.entry.hit))).toEqual(['alovelace']);
    expect(names(rankEntries(entries, '  Nada   Ross ').map((r) => r.entry.hit))).toEqual(['nross']);
  });

  it('shows username, display name, state, employee id and mail, and nothing for an empty query', () => {
    expect(rankEntries(entries, 'nross')[0]!.entry.hit).toEqual({ username: 'nross', displayName: 'Nada Ross', state: 'active', employeeId: 'E300', mail: 'nada@example.com' });
    expect(rankEntries(entries, '   ')).toEqual([]);
  });
});

describe('people search index', () => {
  function population(count: number): Identity[] {
    const given = ['Ada', 'Adam', 'Bea', 'Carl', 'Dana', 'Eli', 'Nada', 'Zoë'];
    const family = ['Lovelace', 'Smith', 'Adams', 'Ross', 'Quade', 'Müller'];
    return Array.from({ length: count }, (_, i) => {
      const g = given[i % given.length]!;
      const f = family[(i * 7) % family.length]!;
      return person({ givenName: g, sn: f, displayName: `${g} ${f}`, mail: `${g}.${f}${i}@example.com`.toLowerCase() }, { username: `${g[0]}${f}${i}`.toLowerCase(), employeeId: `E${5000 + i}` });
    });
  }

  async function storeWith(people: Identity[]): Promise<MemoryStore> {
    const store = new MemoryStore();
    await store.commit({ identities: people.map((identity) => ({ identity, expectedRevision: null })) });
    return store;
  }

  const queries = ['a', 'ad', 'ada', 'adams', 'smith', 'e50', 'e5010', 'ss', 'ü', 'zoë', 'dana.ross', 'example', 'nobody', 'lovelace1'];

  it('answers exactly what a scan of everyone answers, in the same order, at most 20', async () => {
    const people = population(600);
    const index = new PeopleIndex(await storeWith(people));
    await index.start();
    const entries = people.map(searchEntryOf);
    for (const q of queries) {
      const scanned = rankEntries(entries, q).map((r) => r.entry.hit.username);
      expect({ q, got: names(await index.search(q)) }).toEqual({ q, got: scanned });
    }
    expect(await index.search('a')).toHaveLength(SEARCH_LIMIT);
    await index.close();
  });

  it('sees a commit: a renamed person is found by the new name and not the old one, a new person at once', async () => {
    const people = population(50);
    const store = await storeWith(people);
    const index = new PeopleIndex(store, { pollMs: 60_000 });
    await index.start();
    const who = people[3]!;
    expect(names(await index.search(who.attributes.sn!))).toContain(who.username);
    const stored = (await store.getIdentity({ by: 'id', value: who.id }))!;
    await store.commit({ identities: [{ identity: { ...stored, attributes: { ...stored.attributes, sn: 'Quuxworth', displayName: `${stored.attributes.givenName} Quuxworth` } }, expectedRevision: stored.revision }] });
    const newcomer = person({ givenName: 'Xavier', sn: 'Newcomb', displayName: 'Xavier Newcomb' }, { username: 'xnewcomb' });
    await store.commit({ identities: [{ identity: newcomer, expectedRevision: null }] });
    await index.refresh();
    expect(names(await index.search('quuxworth'))).toEqual([who.username]);
    expect(names(await index.search(`${who.attributes.givenName} ${who.attributes.sn}`))).not.toContain(who.username);
    expect(names(await index.search('newcomb'))).toEqual(['xnewcomb']);
    await index.close();
  });

  it('follows commits by itself (the store change notification), without being asked to refresh', async () => {
    const store = await storeWith(population(10));
    const index = new PeopleIndex(store, { pollMs: 60_000 });
    await index.start();
    const newcomer = person({ givenName: 'Yara', sn: 'Fresh' }, { username: 'yfresh' });
    await store.commit({ identities: [{ identity: newcomer, expectedRevision: null }] });
    const deadline = Date.now() + 5000;
    while (!names(await index.search('yara')).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(names(await index.search('yara'))).toEqual(['yfresh']);
    await index.close();
  });

  it('gives the same answers after the changes are folded into rebuilt tables', async () => {
    const people = population(300);
    const store = await storeWith(people);
    const index = new PeopleIndex(store, { rebuildAbove: 5, pollMs: 60_000 });
    await index.start();
    const changed = people.slice(0, 20).map((p) => ({ ...p, revision: 1, attributes: { ...p.attributes, sn: 'Adamson', displayName: `${p.attributes.givenName} Adamson` } }));
    await store.commit({ identities: changed.map((identity) => ({ identity, expectedRevision: 1 })) });
    await index.refresh();
    const now = await store.listIdentities();
    const entries = now.map(searchEntryOf);
    for (const q of [...queries, 'adamson']) expect({ q, got: names(await index.search(q)) }).toEqual({ q, got: rankEntries(entries, q).map((r) => r.entry.hit.username) });
    await index.close();
  });

  /** Runs `work`, telling whether a setImmediate callback scheduled just before it ran before it finished. */
  async function yieldsWhile(work: () => Promise<unknown>): Promise<boolean> {
    let turned = false;
    setImmediate(() => (turned = true));
    await work();
    return turned;
  }

  it('builds its tables a slice at a time, giving the event loop turns, with the same answers', async () => {
    const entries = population(400).map(searchEntryOf);
    let built: SearchTables | null = null;
    expect(await yieldsWhile(async () => (built = await SearchTables.build(entries, { sliceMs: 0 })))).toBe(true);
    const atOnce = SearchTables.of(entries);
    for (const q of queries) expect(built!.lookup(q, SEARCH_LIMIT, () => false)).toEqual(atOnce.lookup(q, SEARCH_LIMIT, () => false));
  });

  it('sorts in merged runs exactly as the default sort does', () => {
    const values = Array.from({ length: 5321 }, (_, i) => `${(i * 7919) % 1000}-ü${i % 13}`);
    expect(runAtOnce(sortStrings(values))).toEqual([...values].sort());
  });

  it('folds changes into rebuilt tables without holding the event loop for the whole rebuild', async () => {
    const people = population(300);
    const store = await storeWith(people);
    const index = new PeopleIndex(store, { rebuildAbove: 5, pollMs: 60_000, buildSliceMs: 0 });
    await index.start();
    const changed = people.slice(0, 20).map((p) => ({ ...p, revision: 1, attributes: { ...p.attributes, sn: 'Adamson' } }));
    await store.commit({ identities: changed.map((identity) => ({ identity, expectedRevision: 1 })) });
    expect(await yieldsWhile(() => index.refresh())).toBe(true);
    expect(names(await index.search('adamson'))).toHaveLength(SEARCH_LIMIT);
    await index.close();
  });
});
