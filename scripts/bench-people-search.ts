// People search benchmark: 100,000 generated people in the helpdesk's search index (built from a
// directory reader over the generated list: the memory store is too slow to load that many, and the
// store's own listing time is not what is measured), typed queries answered from the index and
// from a plain scan of every person, and a change followed until the index shows it. Prints one
// JSON line.
//
// buildLoopDelay is the event loop's delay (monitorEventLoopDelay) while the index builds.
//
//   npm run bench:people-search [-- --people 100000 --rounds 50]
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { ChangeEvent, DirectoryReader } from '../src/ports/identity-store';
import type { Identity } from '../src/domain/types';
import { PeopleIndex } from '../src/services/helpdesk/people-index';
import { rankEntries, searchEntryOf } from '../src/domain/people/search';
import { generateDirectory } from './lib/gen-directory';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

/** The directory reader the index needs, over a list: a commit replaces one person and tells the listeners. */
class ListReader implements DirectoryReader {
  private readonly byId: Map<string, Identity>;
  private readonly events: ChangeEvent[] = [];
  private readonly listeners = new Set<(e: ChangeEvent) => void>();
  constructor(people: Identity[]) {
    this.byId = new Map(people.map((p) => [p.id, p]));
  }
  commit(identity: Identity): void {
    this.byId.set(identity.id, identity);
    const event = { seq: this.events.length + 1, identityIds: [identity.id], groupNames: [], at: new Date().toISOString() };
    this.events.push(event);
    for (const l of this.listeners) l(event);
  }
  async listIdentities() {
    return [...this.byId.values()];
  }
  async listGroups() {
    return [];
  }
  async getIdentities(ids: string[]) {
    return ids.flatMap((id) => this.byId.get(id) ?? []);
  }
  async latestChangeSeq() {
    return this.events.length;
  }
  async changesSince(seq: number, limit = 1000) {
    return this.events.filter((e) => e.seq > seq).slice(0, limit);
  }
  onChange(listener: (e: ChangeEvent) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

function msOf(fn: () => unknown, rounds: number): number {
  const started = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) fn();
  return Math.round((Number(process.hrtime.bigint() - started) / 1e6 / rounds) * 1000) / 1000;
}

async function main(): Promise<void> {
  const people = arg('people', 100000);
  const rounds = arg('rounds', 50);
  const dir = generateDirectory(people, 50);
  const store = new ListReader(dir.identities);
  const index = new PeopleIndex(store);
  // how long the event loop is held up while the index builds: what an LDAP bind waits at worst
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const buildStarted = Date.now();
  await index.start();
  const buildMs = Date.now() - buildStarted;
  // the monitor's timer records a block only when it next fires: let it fire before reading
  await new Promise((resolve) => setTimeout(resolve, 20));
  delay.disable();
  const loopDelayMs = (ns: number) => Math.round(ns / 1e5) / 10;
  const buildLoopDelay = { maxMs: loopDelayMs(delay.max), p99Ms: loopDelayMs(delay.percentile(99)), meanMs: loopDelayMs(delay.mean) };
  const sample = dir.identities[Math.floor(people / 2)]!;
  const typed = (s: string) => Array.from({ length: s.length }, (_, i) => s.slice(0, i + 1));
  const queries = [...typed(sample.attributes.sn!.toLowerCase()), ...typed(sample.username), sample.employeeId!, sample.attributes.mail ?? 'x', 'zzzz', 'son', 'e1'];
  const entries = dir.identities.map(searchEntryOf);
  const perQuery = queries.map((q) => ({ q, indexMs: msOf(() => index.lookup(q), rounds), scanMs: msOf(() => rankEntries(entries, q), Math.max(1, Math.floor(rounds / 10))) }));
  const worst = (k: 'indexMs' | 'scanMs') => Math.max(...perQuery.map((p) => p[k]));
  const mean = (k: 'indexMs' | 'scanMs') => Math.round((perQuery.reduce((s, p) => s + p[k], 0) / perQuery.length) * 1000) / 1000;
  const changed = { ...sample, attributes: { ...sample.attributes, sn: 'Quuxworth' } };
  const commitStarted = process.hrtime.bigint();
  store.commit(changed);
  await index.refresh();
  const visible = (await index.search('quuxworth')).some((h) => h.username === sample.username);
  const freshMs = Number(process.hrtime.bigint() - commitStarted) / 1e6;
  await index.close();
  console.log(
    JSON.stringify({
      people,
      buildMs,
      buildLoopDelay,
      queries: perQuery.length,
      slowest: [...perQuery].sort((a, b) => b.indexMs - a.indexMs).slice(0, 3),
      index: { meanMs: mean('indexMs'), worstMs: worst('indexMs') },
      scan: { meanMs: mean('scanMs'), worstMs: worst('scanMs') },
      commitVisible: visible,
      commitToSearchMs: Math.round(freshMs * 100) / 100,
      rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20),
    }),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
