// The helpdesk's people search, answered from memory as they type: built from the store once,
// then kept current from the change feed the way the LDAP view is (in-process commits through
// onChange, other instances' through the change notifications, a poll for anything missed).
// Changed people go to a small overlay that is scanned beside the tables; once it grows past
// `rebuildAbove` the tables are rebuilt with it folded in.
import { changesAfter, type DirectoryReader } from '../../ports/identity-store';
import type { Identity } from '../../domain/types';
import type { ChangeNotifications } from '../../ports/change-notifications';
import { silentLogger, type Logger } from '../../ports/logger';
import { compareRanked, matchRank, normalizeQuery, searchEntryOf, SEARCH_LIMIT, type PersonHit, type RankedEntry, type SearchEntry } from '../../domain/people/search';
import { SearchTables } from './search-tables';
import { runYielding, STEP, type Steps, type YieldOptions } from './yielding';

export interface PeopleIndexOptions {
  changes?: Pick<ChangeNotifications, 'subscribe'>;
  log?: Logger;
  /** safety-net poll of the change feed (default 2000 ms) */
  pollMs?: number;
  /** overlay size that triggers a rebuild of the tables (default 2,000) */
  rebuildAbove?: number;
  /** longest the index build holds the event loop before yielding (default 10 ms) */
  buildSliceMs?: number;
}

/** The entries of everyone, a step at a time. */
function* entrySteps(identities: Identity[]): Steps<SearchEntry[]> {
  const out: SearchEntry[] = [];
  for (let i = 0; i < identities.length; i++) {
    out.push(searchEntryOf(identities[i]!));
    if (i % STEP === 0) yield;
  }
  return out;
}

export class PeopleIndex {
  private tables = SearchTables.of([]);
  /** people changed since the tables were built: their entry now, or null once gone */
  private overlay = new Map<string, SearchEntry | null>();
  private lastSeq = 0;
  private built: Promise<void> | null = null;
  private ready = false;
  private running: Promise<void> | null = null;
  private again = false;
  private closed = false;
  private poller: NodeJS.Timeout | null = null;
  private readonly unsubscribers: (() => void)[] = [];
  private readonly log: Logger;

  constructor(
    private readonly reader: DirectoryReader,
    private readonly opts: PeopleIndexOptions = {},
  ) {
    this.log = opts.log ?? silentLogger;
  }

  /** the change-feed sequence the index includes */
  get seq(): number {
    return this.lastSeq;
  }

  /** Builds the index (once) and starts following the change feed. */
  start(): Promise<void> {
    // a failed build is tried again by the next caller rather than remembered
    this.built ??= this.startOnce().catch((err: unknown) => {
      this.built = null;
      for (const u of this.unsubscribers.splice(0)) u();
      throw err;
    });
    return this.built;
  }

  private async startOnce(): Promise<void> {
    this.unsubscribers.push(this.reader.onChange(() => void this.refresh()));
    await this.rebuild();
    const remote = this.opts.changes?.subscribe((seq) => {
      if (seq > this.lastSeq) void this.refresh();
    });
    if (remote) this.unsubscribers.push(remote);
    this.poller = setInterval(() => void this.refresh(), this.opts.pollMs ?? 2000);
    this.poller.unref();
    await this.refresh();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.poller) clearInterval(this.poller);
    for (const u of this.unsubscribers.splice(0)) u();
    await this.running;
  }

  /** At most `limit` people, exact matches first, then prefix, then substring; name order within each. */
  async search(query: string, limit = SEARCH_LIMIT): Promise<PersonHit[]> {
    await this.start();
    return this.lookup(query, limit).map((r) => r.entry.hit);
  }

  /** The synchronous part of search, for a built index (benchmarks call it directly). */
  lookup(query: string, limit = SEARCH_LIMIT): RankedEntry[] {
    const q = normalizeQuery(query);
    if (!q || limit < 1) return [];
    const ranked = this.tables.lookup(q, limit, (id) => this.overlay.has(id));
    for (const entry of this.overlay.values()) {
      const rank = entry && matchRank(entry, q);
      if (rank) ranked.push({ entry: entry!, rank });
    }
    return ranked.sort(compareRanked).slice(0, limit);
  }

  /** Applies every committed change now; concurrent calls share one pass. */
  async refresh(): Promise<void> {
    if (!this.ready || this.closed) return;
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.refreshLoop().finally(() => (this.running = null));
    return this.running;
  }

  private async refreshLoop(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.applyPending();
      } catch (err) {
        this.log.error({ err: String(err), seq: this.lastSeq }, 'people search index refresh failed; keeping what it has');
        return;
      }
    } while (this.again && !this.closed);
  }

  private async applyPending(): Promise<void> {
    const events = await changesAfter(this.reader, this.lastSeq);
    if (!events.length || this.closed) return;
    const ids = [...new Set(events.flatMap((e) => e.identityIds))];
    const identities = ids.length ? await this.reader.getIdentities(ids) : [];
    const found = new Set(identities.map((i) => i.id));
    for (const i of identities) this.overlay.set(i.id, searchEntryOf(i));
    for (const id of ids) if (!found.has(id)) this.overlay.set(id, null);
    this.lastSeq = events.at(-1)!.seq;
    if (this.overlay.size > (this.opts.rebuildAbove ?? 2000)) await this.foldOverlay();
  }

  /** Searches keep using the old tables and the overlay until the new tables are ready; only this pass changes the overlay. */
  private async foldOverlay(): Promise<void> {
    const kept = this.tables.entries.filter((e) => !this.overlay.has(e.id));
    const changed = [...this.overlay.values()].filter((e): e is SearchEntry => e !== null);
    const tables = await SearchTables.build([...kept, ...changed], this.yielding());
    if (this.closed) return;
    this.tables = tables;
    this.overlay = new Map();
  }

  private yielding(): YieldOptions {
    return { sliceMs: this.opts.buildSliceMs };
  }

  private async rebuild(): Promise<void> {
    const started = Date.now();
    // The feed position is read first: a commit racing the listing is then applied again, harmlessly.
    const seq = await this.reader.latestChangeSeq();
    const identities = await this.reader.listIdentities();
    this.tables = await SearchTables.build(await runYielding(entrySteps(identities), this.yielding()), this.yielding());
    this.overlay = new Map();
    this.lastSeq = seq;
    this.ready = true;
    this.log.info({ seq, people: identities.length, ms: Date.now() - started }, 'people search index built');
  }
}
