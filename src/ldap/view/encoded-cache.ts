// Encoded SearchResultEntry bodies of one snapshot, per attribute selection. A snapshot never
// changes, so an entry encoded for one search is byte for byte what the next search with the same
// attribute list sends: listings and repeated lookups copy bytes instead of recomputing values
// (gecos transliteration, home directories, DNs) and re-encoding them. A new snapshot starts with an
// empty cache, which is the whole invalidation: values may depend on other records (memberOf, manager).
import type { AttributeSelection } from '../contract';

/** bytes of bodies one snapshot keeps; past it, entries are encoded on every search as before */
const MAX_BYTES = 32 * 1024 * 1024;
/** bodies larger than this (groups with thousands of members) are never kept */
const MAX_ENTRY_BYTES = 16 * 1024;
/** bodies are copied into shared chunks: one small Buffer each would pin an 8 KiB pool slab apiece */
const CHUNK_BYTES = 256 * 1024;
/** distinct attribute lists kept per snapshot (clients use a handful) */
const MAX_SELECTIONS = 16;

const keys = new WeakMap<AttributeSelection, string>();

/**
 * Selections that pick the same attributes share a key: the encoder writes attributes in the
 * record's own order, so the order and spelling of the requested names do not change the bytes.
 */
function keyOf(sel: AttributeSelection): string {
  let key = keys.get(sel);
  if (key === undefined) {
    const flags = `${+sel.allUser}${+sel.allOperational}${+sel.none}${+sel.typesOnly}`;
    key = `${flags}\0${[...sel.wanted].sort().join('\0')}`;
    keys.set(sel, key);
  }
  return key;
}

export class EncodedEntryCache {
  private readonly bySelection = new Map<string, Map<object, Buffer>>();
  private bytes = 0;
  private chunk = Buffer.alloc(0);
  private chunkUsed = 0;

  /** The cached body of `entry` (its record) under `sel`, encoding (and keeping, while room is left) on a miss. */
  body(entry: object, sel: AttributeSelection, encode: (alloc?: (size: number) => Buffer) => Buffer): Buffer {
    const bodies = this.bodiesFor(sel);
    const hit = bodies?.get(entry);
    if (hit) return hit;
    if (!bodies || this.bytes >= MAX_BYTES) return encode();
    const body = encode(this.alloc);
    if (body.length > MAX_ENTRY_BYTES) return body;
    this.bytes += body.length;
    bodies.set(entry, body);
    return body;
  }

  private bodiesFor(sel: AttributeSelection): Map<object, Buffer> | undefined {
    const key = keyOf(sel);
    let bodies = this.bySelection.get(key);
    if (!bodies && this.bySelection.size < MAX_SELECTIONS) {
      bodies = new Map();
      this.bySelection.set(key, bodies);
    }
    return bodies;
  }

  /** A slice of the current chunk (a fresh Buffer when the body would not be kept anyway). */
  private alloc = (size: number): Buffer => {
    if (size > MAX_ENTRY_BYTES) return Buffer.allocUnsafe(size);
    if (this.chunkUsed + size > this.chunk.length) {
      this.chunk = Buffer.allocUnsafeSlow(CHUNK_BYTES);
      this.chunkUsed = 0;
    }
    const out = this.chunk.subarray(this.chunkUsed, this.chunkUsed + size);
    this.chunkUsed += size;
    return out;
  };
}
