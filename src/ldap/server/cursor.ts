import type { EntryBatch } from './entry-batch';

/** entries a search (or a page prepared ahead) sends or gathers before it yields to the event loop */
export const YIELD_EVERY = 256;
/**
 * Longest run of one search before it yields to the event loop: other connections wait at most
 * about this long for one expensive search (an unsliced 100,000-entry scan with a 1,000-item filter
 * held every client for seconds).
 */
export const SLICE_MS = 5;

/**
 * An entry iterator, possibly interleaved with SEARCH_CHECKPOINTs, that can give entries back (one,
 * to tell whether another follows, for size limits and paging; or a run of them, when a page
 * prepared ahead does not fit the request that came), with the encoder of its entries: the
 * snapshot's own (straight from records) or select + searchEntry.
 */
export class Cursor {
  /** entries given back, returned before the iterator's own, from `heldAt` on */
  private held: unknown[] = [];
  private heldAt = 0;

  constructor(
    private it: Iterator<unknown>,
    readonly encode: (entry: unknown, messageId: number) => Buffer,
    private readonly body?: (entry: unknown) => Buffer,
  ) {}

  /** the next entry or SEARCH_CHECKPOINT; undefined at the end */
  next(): unknown {
    if (this.heldAt < this.held.length) return this.held[this.heldAt++];
    if (this.held.length > 0) {
      this.held = [];
      this.heldAt = 0;
    }
    const r = this.it.next();
    return r.done ? undefined : r.value;
  }

  /** Gives back the entry the last next() returned: the next call returns it again. */
  putBack(entry: unknown): void {
    if (this.heldAt > 0) this.held[--this.heldAt] = entry;
    else this.held = [entry];
  }

  /** Gives back a run of entries taken (in this order) since the last one returned. */
  giveBack(entries: unknown[]): void {
    this.held = entries.concat(this.held.slice(this.heldAt));
    this.heldAt = 0;
  }

  /** Adds an entry's message to a batch, as a bare protocolOp when the snapshot encodes (and caches) those. */
  addTo(batch: EntryBatch, entry: unknown, messageId: number): void {
    if (this.body) batch.addBody(this.body(entry));
    else batch.addMessage(this.encode(entry, messageId));
  }
}
