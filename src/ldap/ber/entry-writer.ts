// Encoder of SearchResultEntry messages, the hot path of every search. Values are written once into a
// scratch buffer (which also yields their UTF-8 byte lengths), then the message is assembled in one
// exact-size allocation: one copy per value, no intermediate Buffers or arrays per attribute.
// Synchronous and not re-entrant: one module-level writer serves the whole process.

const SEARCH_ENTRY = 0x64;
const MAX_KEPT_SCRATCH = 1 << 20;

export const lenOfLen = (n: number): number => (n < 0x80 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : n < 0x1000000 ? 4 : 5);
export const tlvSize = (contentLength: number): number => 1 + lenOfLen(contentLength) + contentLength;

/** Writes a tag and a minimal definite length at `at`; returns the offset after them. */
export function putHeader(buf: Buffer, at: number, tag: number, len: number): number {
  buf[at++] = tag;
  const n = lenOfLen(len) - 1;
  if (n === 0) {
    buf[at++] = len;
    return at;
  }
  buf[at++] = 0x80 | n;
  for (let shift = (n - 1) * 8; shift >= 0; shift -= 8) buf[at++] = (len >>> shift) & 0xff;
  return at;
}

/** INTEGER content bytes of a non-negative message id (BER two's complement, minimal). */
export function intContentLength(n: number): number {
  if (n < 0x80) return 1;
  if (n < 0x8000) return 2;
  if (n < 0x800000) return 3;
  if (n < 0x80000000) return 4;
  return 5;
}

export function putInt(buf: Buffer, at: number, n: number): number {
  const len = intContentLength(n);
  buf[at++] = 0x02;
  buf[at++] = len;
  for (let i = len - 1; i >= 0; i--) buf[at++] = i >= 4 ? 0 : (n >>> (i * 8)) & 0xff;
  return at;
}

const nameTlvs = new Map<string, Buffer>();

/** `04 len name`, cached: attribute names repeat in every entry. */
export function nameTlv(name: string): Buffer {
  let t = nameTlvs.get(name);
  if (!t) {
    const bytes = Buffer.from(name, 'utf8');
    t = Buffer.allocUnsafe(tlvSize(bytes.length));
    bytes.copy(t, putHeader(t, 0, 0x04, bytes.length));
    if (nameTlvs.size < 4096) nameTlvs.set(name, t);
  }
  return t;
}

export class EntryWriter {
  private scratch = Buffer.allocUnsafe(16 * 1024);
  private pos = 0;
  private dnLen = 0;
  private names: Buffer[] = [];
  /** per attribute: index of its first value in valLen, and how many values it has */
  private firstValue: number[] = [];
  private valueCount: number[] = [];
  private valLen: number[] = [];
  private attrCount = 0;
  private valueTotal = 0;

  begin(dn: string): this {
    this.pos = 0;
    this.attrCount = 0;
    this.valueTotal = 0;
    this.dnLen = this.put(dn);
    return this;
  }

  /** Adds an attribute; with `typesOnly` its values are left out (an empty set, RFC 4511 4.5.1.8). */
  attr(name: Buffer, values: readonly string[], typesOnly: boolean): this {
    const i = this.attrCount++;
    this.names[i] = name;
    this.firstValue[i] = this.valueTotal;
    const n = typesOnly ? 0 : values.length;
    this.valueCount[i] = n;
    for (let j = 0; j < n; j++) this.valLen[this.valueTotal++] = this.put(values[j]);
    return this;
  }

  /** The whole LDAPMessage { messageId, SearchResultEntry } in one Buffer. */
  finish(messageId: number): Buffer {
    return this.assemble(messageId);
  }

  /**
   * The SearchResultEntry protocolOp alone, without the message envelope: what a cache keeps, since
   * the same entry goes out under a different message id on every search (see frameEntry).
   */
  finishBody(alloc?: (size: number) => Buffer): Buffer {
    return this.assemble(-1, alloc);
  }

  /** Writes the entry, inside a message envelope unless `messageId` is negative. */
  private assemble(messageId: number, alloc: (size: number) => Buffer = Buffer.allocUnsafe): Buffer {
    const attrLens: number[] = [];
    let attrsLen = 0;
    for (let i = 0; i < this.attrCount; i++) {
      let setLen = 0;
      const first = this.firstValue[i];
      for (let j = first; j < first + this.valueCount[i]; j++) setLen += tlvSize(this.valLen[j]);
      const attrLen = this.names[i].length + tlvSize(setLen);
      attrLens.push(attrLen, setLen);
      attrsLen += tlvSize(attrLen);
    }
    const opLen = tlvSize(this.dnLen) + tlvSize(attrsLen);
    const framed = messageId >= 0;
    const msgLen = framed ? 2 + intContentLength(messageId) + tlvSize(opLen) : 0;
    const out = alloc(framed ? tlvSize(msgLen) : tlvSize(opLen));
    let at = 0;
    if (framed) {
      at = putHeader(out, at, 0x30, msgLen);
      at = putInt(out, at, messageId);
    }
    at = putHeader(out, at, SEARCH_ENTRY, opLen);
    at = putHeader(out, at, 0x04, this.dnLen);
    const scratch = this.scratch;
    let from = 0;
    at = copyBytes(scratch, from, this.dnLen, out, at);
    from += this.dnLen;
    at = putHeader(out, at, 0x30, attrsLen);
    for (let i = 0; i < this.attrCount; i++) {
      at = putHeader(out, at, 0x30, attrLens[2 * i]);
      const name = this.names[i];
      at = copyBytes(name, 0, name.length, out, at);
      at = putHeader(out, at, 0x31, attrLens[2 * i + 1]);
      const first = this.firstValue[i];
      for (let j = first; j < first + this.valueCount[i]; j++) {
        const len = this.valLen[j];
        at = putHeader(out, at, 0x04, len);
        at = copyBytes(scratch, from, len, out, at);
        from += len;
      }
    }
    // One huge entry (a group with 100,000 members) must not keep megabytes of scratch forever.
    if (this.scratch.length > MAX_KEPT_SCRATCH) this.scratch = Buffer.allocUnsafe(16 * 1024);
    return out;
  }

  /** Appends `s` as UTF-8 to the scratch buffer; returns its byte length. */
  private put(s: string): number {
    const need = this.pos + s.length * 3;
    if (need > this.scratch.length) {
      const bigger = Buffer.allocUnsafe(Math.max(need, this.scratch.length * 2));
      this.scratch.copy(bigger, 0, 0, this.pos);
      this.scratch = bigger;
    }
    const buf = this.scratch;
    const start = this.pos;
    let at = start;
    // Short ASCII strings (nearly every value) are cheaper to copy here than through the C++ encoder.
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        at += buf.write(s.slice(i), at, 'utf8');
        break;
      }
      buf[at++] = c;
    }
    this.pos = at;
    return at - start;
  }
}

/**
 * Copies `len` bytes; returns the offset after them. Short runs (almost every value) are copied in
 * JavaScript: Buffer#copy costs a native call each, which dominated the encoding of small entries.
 */
function copyBytes(src: Buffer, from: number, len: number, dst: Buffer, at: number): number {
  if (len > 64) return at + src.copy(dst, at, from, from + len);
  for (let i = 0; i < len; i++) dst[at + i] = src[from + i];
  return at + len;
}

/** Bytes frameEntry adds around a protocolOp of `bodyLength` bytes for `messageId`. */
export function envelopeSize(messageId: number, bodyLength: number): number {
  return tlvSize(2 + intContentLength(messageId) + bodyLength) - bodyLength;
}

/**
 * Writes LDAPMessage { messageId, body } at `at` in `out` (which must have room for
 * envelopeSize + body.length bytes); returns the offset after it.
 */
export function frameEntry(out: Buffer, at: number, messageId: number, body: Buffer): number {
  let to = putHeader(out, at, 0x30, 2 + intContentLength(messageId) + body.length);
  to = putInt(out, to, messageId);
  return to + body.copy(out, to);
}

/** The process-wide writer (encoding is synchronous, so one is enough). */
export const entryWriter = new EntryWriter();

/** SearchResultEntry for a rendered entry's selected attributes. */
export function encodeSearchEntry(messageId: number, dn: string, attrs: readonly { name: string; values: readonly string[] }[]): Buffer {
  const w = entryWriter.begin(dn);
  for (const a of attrs) w.attr(nameTlv(a.name), a.values, false);
  return w.finish(messageId);
}
