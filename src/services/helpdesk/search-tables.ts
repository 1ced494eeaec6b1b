// The read-only lookup tables of the people index, built in one pass from a set of entries: a
// map of exact keys, every key sorted for prefix lookups by binary search, and one corpus string
// of all keys for substring lookups by indexOf. Entries are kept in name order, so an entry's
// position is its order within a rank and the first matches found are the ones shown.
import { type MatchRank, type RankedEntry, type SearchEntry } from '../../domain/people/search';

/** separates the keys of one entry; normalised queries never contain it */
const KEY_SEP = '\u0001';
/** separates entries in the corpus */
const ENTRY_SEP = '\n';

export class SearchTables {
  readonly entries: SearchEntry[];
  /** key -> positions of the entries that have it, ascending */
  private readonly exact = new Map<string, number[]>();
  /** the distinct keys, sorted */
  private readonly keys: string[];
  /** the smallest position of each sorted key: lets a prefix walk skip keys without a map lookup */
  private readonly firstPos: Int32Array;
  private readonly corpus: string;
  private readonly offsets: Int32Array;

  constructor(entries: SearchEntry[]) {
    this.entries = byName(entries);
    this.entries.forEach((e, pos) => {
      for (const k of e.keys) {
        const at = this.exact.get(k);
        if (at) at.push(pos);
        else this.exact.set(k, [pos]);
      }
    });
    // the default sort compares code units, as `<` does, and is several times faster than a comparator
    this.keys = [...this.exact.keys()].sort();
    this.firstPos = Int32Array.from(this.keys, (k) => this.exact.get(k)![0]!);
    this.offsets = new Int32Array(this.entries.length);
    const parts: string[] = [];
    let offset = 0;
    this.entries.forEach((e, pos) => {
      this.offsets[pos] = offset;
      const text = e.keys.join(KEY_SEP);
      parts.push(text);
      offset += text.length + ENTRY_SEP.length;
    });
    this.corpus = parts.join(ENTRY_SEP);
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

/** Entries in name order; sort keys are unique (they end with the username), so they sort as plain strings. */
function byName(entries: SearchEntry[]): SearchEntry[] {
  const bySortKey = new Map(entries.map((e) => [e.sortKey, e]));
  return [...bySortKey.keys()].sort().map((k) => bySortKey.get(k)!);
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
