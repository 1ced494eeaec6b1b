// Framing and structural checks on every PDU before it is decoded (the filter by @ldapjs/filter,
// the rest here): announced lengths are checked against the bytes at hand, negative lengths are
// refused, and nesting is walked iteratively with a bound, so no PDU makes decoding quadratic or deep.

export class BerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BerError';
  }
}

export interface Tlv {
  tag: number;
  /** offset of the tag byte */
  at: number;
  /** offset of the first content byte */
  start: number;
  /** offset just past the last content byte */
  end: number;
}

/** Reads one definite length at `at`; returns [length, bytes used] or null when more bytes are needed. */
export function readLength(buf: Buffer, at: number): [number, number] | null {
  if (at >= buf.length) return null;
  const first = buf[at];
  if (first < 0x80) return [first, 1];
  if (first === 0x80) throw new BerError('indefinite length is not allowed in LDAP (RFC 4511 5.1)');
  const n = first & 0x7f;
  if (n > 4) throw new BerError(`length of ${n} bytes is too long`);
  if (at + 1 + n > buf.length) return null;
  if (n === 4 && buf[at + 1] & 0x80) throw new BerError('negative length');
  let len = 0;
  for (let i = 1; i <= n; i++) len = len * 256 + buf[at + i];
  return [len, 1 + n];
}

/** The TLV at `at` inside [.., limit); throws when it does not fit. */
export function readTlv(buf: Buffer, at: number, limit: number): Tlv {
  if (at >= limit) throw new BerError('truncated element');
  const tag = buf[at];
  if ((tag & 0x1f) === 0x1f) throw new BerError('multi-byte tags are not used by LDAP');
  const l = readLength(buf, at + 1);
  if (!l) throw new BerError('truncated length');
  const start = at + 1 + l[1];
  const end = start + l[0];
  if (end > limit) throw new BerError('element longer than its container');
  return { tag, at, start, end };
}

/**
 * Walks every TLV of a PDU without recursion: all lengths must nest exactly and constructed
 * elements may nest at most `maxDepth` deep (a 20,000-deep filter never reaches a recursive parser).
 */
export function checkStructure(pdu: Buffer, maxDepth: number): void {
  const ends: number[] = [pdu.length];
  let at = 0;
  while (ends.length > 0) {
    const limit = ends[ends.length - 1];
    if (at === limit) {
      ends.pop();
      continue;
    }
    const t = readTlv(pdu, at, limit);
    if (t.tag & 0x20) {
      if (ends.length > maxDepth) throw new BerError(`elements nested deeper than ${maxDepth}`);
      ends.push(t.end);
      at = t.start;
    } else {
      at = t.end;
    }
  }
}

export function readInt(buf: Buffer, t: Tlv): number {
  const len = t.end - t.start;
  if (len < 1 || len > 6) throw new BerError('integer out of range');
  let v = buf[t.start] & 0x80 ? -1 : 0;
  for (let i = t.start; i < t.end; i++) v = v * 256 + buf[i];
  return v;
}

export const readString = (buf: Buffer, t: Tlv): string => buf.toString('utf8', t.start, t.end);

/** Children of a constructed element. */
export function children(buf: Buffer, t: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = t.start; at < t.end; ) {
    const c = readTlv(buf, at, t.end);
    out.push(c);
    at = c.end;
  }
  return out;
}

export interface RequestControl {
  oid: string;
  critical: boolean;
  value: Buffer | null;
}

export interface Envelope {
  messageId: number;
  /** the protocolOp element */
  op: Tlv;
  controls: RequestControl[];
}

/** LDAPMessage ::= SEQUENCE { messageID, protocolOp, controls [0] OPTIONAL }; controls parsed here, tolerant of missing values. */
export function readEnvelope(pdu: Buffer): Envelope {
  const outer = readTlv(pdu, 0, pdu.length);
  if (outer.tag !== 0x30) throw new BerError('an LDAP message must start with a SEQUENCE');
  const parts = children(pdu, outer);
  if (parts.length < 2 || parts[0].tag !== 0x02) throw new BerError('message id missing');
  const messageId = readInt(pdu, parts[0]);
  if (messageId < 0 || messageId > 2147483647) throw new BerError('message id out of range');
  const controls: RequestControl[] = [];
  const ctl = parts.find((p, i) => i >= 2 && p.tag === 0xa0);
  if (ctl) {
    for (const c of children(pdu, ctl)) {
      const fields = children(pdu, c);
      if (fields.length === 0 || fields[0].tag !== 0x04) throw new BerError('control without a type');
      const crit = fields.find((f) => f.tag === 0x01);
      const val = fields.find((f) => f.tag === 0x04 && f !== fields[0]);
      controls.push({
        oid: readString(pdu, fields[0]),
        critical: !!crit && pdu[crit.start] !== 0,
        value: val ? pdu.subarray(val.start, val.end) : null,
      });
    }
  }
  return { messageId, op: parts[1], controls };
}
