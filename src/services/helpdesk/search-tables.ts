// The read-only lookup tables of the people index, built from a set of entries (in steps, so a
// large build can yield to the event loop between slices): a
// map of exact keys, every key sorted for prefix lookups by binary search, and one corpus string
// of all keys for substring lookups by indexOf. Entries are kept in name order, so an entry's
// position is its order within a rank and the first matches found are the ones shown.
import { type MatchRank, type RankedEntry, type SearchEntry } from '../../domain/people/search';
import { runAtOnce, runYielding, sortStrings, STEP, type Steps, type YieldOptions } from './yielding';

/** separates the keys of one entry; normalised queries never contain it */
const KEY_SEP = '\u0001';
/** separates entries in the corpus */
const ENTRY_SEP = '\n';

/** What the tables hold, once built. */
interface Parts {
  entries: SearchEntry[];
  exact: Map<string, number[]>;
  keys: string[];
  firstPos: Int32Array;
  corpus: string;
  offsets: Int32Array;
}

export class SearchTables {
  readonly entries: SearchEntry[];
  /** key -> positions of the entries that have it, ascending */
  private readonly exact: Map<string, number[]>;
  /** the distinct keys, sorted */
  private readonly keys: string[];
  /** the smallest position of each sorted key: lets a prefix walk skip keys without a map lookup */
  private readonly firstPos: Int32Array;
  private readonly corpus: string;
  private readonly offsets: Int32Array;

  private constructor(parts: Parts) {
    this.entries = parts.entries;
    this.exact = parts.exact;
    this.keys = parts.keys;
    this.firstPos = parts.firstPos;
    this.corpus = parts.corpus;
    this.offsets = parts.offsets;
  }

  /** Tables built at once: for small sets of entries. */
  static of(entries: SearchEntry[]): SearchTables {
    return new SearchTables(runAtOnce(buildSteps(entries)));
  }

  /** Tables built a slice at a time, so a large directory does not hold up the event loop. */
  static async build(entries: SearchEntry[], opts: YieldOptions = {}): Promise<SearchTables> {
    return new SearchTables(await runYielding(buildSteps(entries), opts));
  }

  get size(): number {
    return this.entries.length;
  }

  /**
   * The best `limit` entries of each rank for `q` (normalised), skipping those `skip` says are
   * stale: every exact match, the first `limit` prefix and substring matches in name order.
   */
  lookup(q: string, limit: number, skip: (id: string) => boolean): RankedEntry[] {
    const found = new Map<number, MatchRank>();
    for (const pos of this.exact.get(q) ?? []) if (!skip(this.entries[pos]!.id)) found.set(pos, 'exact');
    for (const pos of this.prefixPositions(q, limit, (p) => found.has(p) || skip(this.entries[p]!.id))) found.set(pos, 'prefix');
    // a substring match ranks below every exact and prefix one: with `limit` of those, none would show
    if (found.size >= limit) return this.ranked(found);
    for (const pos of this.substringPositions(q, limit, (p) => found.has(p) || skip(this.entries[p]!.id))) found.set(pos, 'substring');
    return this.ranked(found);
  }

  private ranked(found: Map<number, MatchRank>): RankedEntry[] {
    return [...found].map(([pos, rank]) => ({ entry: this.entries[pos]!, rank }));
  }

  /** The `limit` smallest positions among entries with a key starting with `q`. */
  private prefixPositions(q: string, limit: number, skip: (pos: number) => boolean): number[] {
    const best: number[] = [];
    // every key starting with q sorts between q and q followed by the highest code unit
    const end = lowerBound(this.keys, `${q}\uffff`);
    for (let i = lowerBound(this.keys, q); i < end; i++) {
      if (best.length === limit && this.firstPos[i]! >= best[limit - 1]!) continue;
      for (const pos of this.exact.get(this.keys[i]!)!) {
        if (best.length === limit && pos >= best[limit - 1]!) break;
        if (!best.includes(pos) && !skip(pos)) insertSorted(best, pos, limit);
      }
    }
    return best;
  }

  /** The first `limit` entries, in name order, whose keys contain `q`. */
  private substringPositions(q: string, limit: number, skip: (pos: number) => boolean): number[] {
    const out: number[] = [];
    let from = 0;
    while (out.length < limit) {
      const at = this.corpus.indexOf(q, from);
      if (at < 0) break;
      const pos = upperBound(this.offsets, at) - 1;
      if (!skip(pos)) out.push(pos);
      from = pos + 1 < this.offsets.length ? this.offsets[pos + 1]! : this.corpus.length;
    }
    return out;
  }
}

function* buildSteps(input: SearchEntry[]): Steps<Parts> {
  const entries = yield* byName(input);
  const exact = new Map<string, number[]>();
  for (let pos = 0; pos < entries.length; pos++) {
    for (const k of entries[pos]!.keys) {
      const at = exact.get(k);
      if (at) at.push(pos);
      else exact.set(k, [pos]);
    }
    if (pos % STEP === 0) yield;
  }
  const keys = yield* sortStrings([...exact.keys()]);
  const firstPos = new Int32Array(keys.length);
  for (let i = 0; i < keys.length; i++) {
    firstPos[i] = exact.get(keys[i]!)![0]!;
    if (i % STEP === 0) yield;
  }
  const offsets = new Int32Array(entries.length);
  const parts: string[] = [];
  let offset = 0;
  for (let pos = 0; pos < entries.length; pos++) {
    offsets[pos] = offset;
    const text = entries[pos]!.keys.join(KEY_SEP);
    parts.push(text);
    offset += text.length + ENTRY_SEP.length;
    if (pos % STEP === 0) yield;
  }
  return { entries, exact, keys, firstPos, corpus: parts.join(ENTRY_SEP), offsets };
}

/** Entries in name order; sort keys are unique (they end with the username), so they sort as plain strings. */
function* byName(entries: SearchEntry[]): Steps<SearchEntry[]> {
  const bySortKey = new Map<string, SearchEntry>();
  for (let i = 0; i < entries.length; i++) {
    bySortKey.set(entries[i]!.sortKey, entries[i]!);
    if (i % STEP === 0) yield;
  }
  const sorted = yield* sortStrings([...bySortKey.keys()]);
  return sorted.map((k) => bySortKey.get(k)!);
}

function lowerBound(sorted: string[], q: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < q) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** the first index whose value is greater than `v` */
function upperBound(sorted: Int32Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function insertSorted(best: number[], pos: number, limit: number): void {
  let i = best.length;
  while (i > 0 && best[i - 1]! > pos) i--;
  best.splice(i, 0, pos);
  if (best.length > limit) best.pop();
}
