import { BerError, readLength } from './ber-read';

/**
 * Cuts a byte stream into whole LDAP PDUs. Chunks are kept in a list and joined once per PDU, so a
 * huge announced length costs memory only up to the cap and never a concat per chunk. The cap is
 * asked per PDU because it grows after a successful bind.
 */
export class PduFramer {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** total size of the PDU being assembled, once its header was read */
  private expected: number | null = null;

  constructor(private maxPduBytes: () => number) {}

  /** Adds bytes and returns every PDU now complete. Throws BerError: the connection must close. */
  push(data: Buffer): Buffer[] {
    this.chunks.push(data);
    this.buffered += data.length;
    const out: Buffer[] = [];
    for (;;) {
      if (this.expected === null) this.expected = this.readHeader();
      if (this.expected === null || this.buffered < this.expected) return out;
      out.push(this.take(this.expected));
      this.expected = null;
    }
  }

  private readHeader(): number | null {
    if (this.buffered < 2) return null;
    const head = this.peek(6);
    if (head[0] !== 0x30) throw new BerError(`expected an LDAP message (0x30), got 0x${head[0].toString(16)}`);
    const l = readLength(head, 1);
    if (!l) return null;
    const total = 1 + l[1] + l[0];
    const cap = this.maxPduBytes();
    if (total > cap) throw new BerError(`message of ${total} bytes exceeds the limit of ${cap}`);
    return total;
  }

  private peek(n: number): Buffer {
    if (this.chunks[0].length >= n || this.chunks.length === 1) return this.chunks[0];
    return Buffer.concat(this.chunks, Math.min(n, this.buffered));
  }

  private take(n: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.buffered);
    const pdu = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length ? [rest] : [];
    this.buffered = rest.length;
    return pdu;
  }

  get pendingBytes(): number {
    return this.buffered;
  }
}
