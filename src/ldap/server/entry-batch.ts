// The entries of one slice of a search, written to the socket as one Buffer. A write per entry cost
// a JavaScript write() and an iovec each, with writev gathering hundreds of small Buffers per tick;
// one exact-size Buffer per batch costs one copy of bytes that are mostly cached already.
import { envelopeSize, frameEntry } from '../ber/entry-writer';

/** bytes gathered before they are written (and backpressure is looked at) */
export const BATCH_BYTES = 16 * 1024;

export class EntryBatch {
  private parts: Buffer[] = [];
  /** per part: true for a bare SearchResultEntry protocolOp that still needs its envelope */
  private bare: boolean[] = [];
  private size = 0;

  constructor(private readonly messageId: number) {}

  get bytes(): number {
    return this.size;
  }

  /** A complete LDAPMessage. */
  addMessage(message: Buffer): void {
    this.parts.push(message);
    this.bare.push(false);
    this.size += message.length;
  }

  /** A SearchResultEntry protocolOp, framed under this batch's message id when written. */
  addBody(body: Buffer): void {
    this.parts.push(body);
    this.bare.push(true);
    this.size += envelopeSize(this.messageId, body.length) + body.length;
  }

  /** Everything gathered, as one Buffer; empties the batch. */
  take(): Buffer | null {
    if (this.parts.length === 0) return null;
    const out = Buffer.allocUnsafe(this.size);
    let at = 0;
    for (let i = 0; i < this.parts.length; i++) {
      const part = this.parts[i];
      at = this.bare[i] ? frameEntry(out, at, this.messageId, part) : at + part.copy(out, at);
    }
    this.parts = [];
    this.bare = [];
    this.size = 0;
    return out;
  }
}
