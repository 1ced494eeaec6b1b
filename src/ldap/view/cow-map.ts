// A persistent map made of 256 plain Map shards. An edit copies only the shards it touches, so a
// new snapshot that changes one person among 100,000 copies a few hundred entries, not 100,000,
// while readers of the old snapshot keep their untouched, unchanged shards.

const SHARDS = 256;

function shardOf(key: string | number): number {
  // Ids are non-negative integers below 2^53; `&` keeps their low 8 bits without a float modulo.
  if (typeof key === 'number') return key & (SHARDS - 1);
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % SHARDS;
}

export class CowMap<K extends string | number, V> {
  private constructor(
    private readonly shards: readonly Map<K, V>[],
    readonly size: number,
  ) {}

  static empty<K extends string | number, V>(): CowMap<K, V> {
    return new CowMap<K, V>(Array.from({ length: SHARDS }, () => new Map<K, V>()), 0);
  }

  get(key: K): V | undefined {
    return this.shards[shardOf(key)].get(key);
  }

  has(key: K): boolean {
    return this.shards[shardOf(key)].has(key);
  }

  *values(): IterableIterator<V> {
    for (const s of this.shards) yield* s.values();
  }

  /** Starts a batch of changes; `commit()` returns the new map and leaves this one untouched. */
  edit(): CowMapEditor<K, V> {
    return new CowMapEditor<K, V>([...this.shards], this.size, (shards, size) => new CowMap(shards, size));
  }
}

export class CowMapEditor<K extends string | number, V> {
  private readonly copied = new Set<number>();
  private done = false;

  constructor(
    private readonly shards: Map<K, V>[],
    private size: number,
    private readonly finish: (shards: Map<K, V>[], size: number) => CowMap<K, V>,
  ) {}

  get(key: K): V | undefined {
    return this.shards[shardOf(key)].get(key);
  }

  set(key: K, value: V): void {
    const shard = this.writable(key);
    if (!shard.has(key)) this.size++;
    shard.set(key, value);
  }

  delete(key: K): void {
    const shard = this.writable(key);
    if (shard.delete(key)) this.size--;
  }

  commit(): CowMap<K, V> {
    if (this.done) throw new Error('CowMapEditor.commit called twice');
    this.done = true;
    return this.finish(this.shards, this.size);
  }

  private writable(key: K): Map<K, V> {
    if (this.done) throw new Error('CowMapEditor used after commit');
    const i = shardOf(key);
    if (!this.copied.has(i)) {
      this.shards[i] = new Map(this.shards[i]);
      this.copied.add(i);
    }
    return this.shards[i];
  }
}

// Sorted id lists ("postings"): never mutated, replaced by a copy when they change.

// Copies are built with slice/concat, which allocate exactly what they hold: splice into a copy
// grows the backing store with slack, and 200,000 one-id postings then cost ~150 bytes each.
export function insertSorted(list: readonly number[], id: number): number[] {
  const at = lowerBound(list, id);
  if (list[at] === id) return list as number[];
  if (list.length === 0) return [id];
  return list.slice(0, at).concat([id], list.slice(at));
}

export function removeSorted(list: readonly number[], id: number): number[] {
  const at = lowerBound(list, id);
  if (list[at] !== id) return list as number[];
  return list.slice(0, at).concat(list.slice(at + 1));
}

export function containsSorted(list: readonly number[], id: number): boolean {
  return list[lowerBound(list, id)] === id;
}

export function lowerBound(list: readonly number[], id: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid] < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Union of sorted lists, sorted and without duplicates. */
export function unionSorted(lists: readonly (readonly number[])[]): number[] {
  const nonEmpty = lists.filter((l) => l.length > 0);
  if (nonEmpty.length === 0) return [];
  if (nonEmpty.length === 1) return nonEmpty[0] as number[];
  const all = Float64Array.from(nonEmpty.flat()).sort();
  const out: number[] = [];
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) out.push(all[i]);
  return out;
}
