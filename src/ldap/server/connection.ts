import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { BindSubject, DirectorySnapshot } from '../contract';
import { BerError, checkStructure, readEnvelope, readInt, type Envelope } from './ber-read';
import { OP, RESPONSE_OP, result, type ResultFields, type ResponseControl } from './ber-write';
import type { LogLike, ServerDeps } from './deps';
import { handleBind } from './bind';
import { handleCompare } from './compare';
import { handleExtended } from './extended';
import { OID, SUPPORTED_CONTROLS } from './root-dse';
import { handleSearch, SEARCH_DONE, type PagedSearch } from './search';
import { PduFramer } from './framer';

export interface Session {
  dn: string;
  ndn: string;
  subject: BindSubject;
}

/** Per-operation context handed to handlers: ids and a child logger (authentik's request idea). */
export interface OpContext {
  requestId: number;
  messageId: number;
  controls: Envelope['controls'];
  /** set by an abandon request for this message id */
  abandoned: boolean;
  log: LogLike;
  startedAt: number;
}

const WRITE_OPS = new Set([0x66, 0x68, 0x4a, 0x6c]);
/** bytes of responses queued in user space per connection before a search waits for the client */
const SEND_BUFFER_BYTES = 256 * 1024;
/** requests a client may pipeline behind a bind in progress (they wait for its result) */
const MAX_BACKLOG = 64;

/**
 * One client connection. It owns the socket from the first byte: frames PDUs itself, enforces the
 * size, depth, idle and concurrency caps, and only then decodes. Anything wrong with the bytes
 * closes this connection and nothing else.
 */
export class LdapConnection {
  readonly id = randomBytes(4).toString('hex');
  stream: Socket | TLSSocket;
  session: Session | null = null;
  readonly paged = new Map<string, PagedSearch>();
  private running = new Map<number, OpContext>();
  private framer: PduFramer;
  private closed = false;
  private drainWaiters: (() => void)[] = [];
  private backlog: Buffer[] = [];
  private bindPending = false;
  private corked = false;
  /** closes a connection whose PDU, once started, is not complete in time (idle resets on every byte) */
  private pduTimer: NodeJS.Timeout | null = null;
  /** closes a connection that has not bound in time */
  private preBindTimer: NodeJS.Timeout | null = null;
  readonly log: LogLike;

  constructor(
    socket: Socket | TLSSocket,
    readonly address: string,
    public secure: boolean,
    readonly deps: ServerDeps,
    private onClosed: (c: LdapConnection) => void,
  ) {
    this.stream = socket;
    this.log = deps.log.child({ conn: this.id, client: address });
    const limits = deps.config.limits;
    this.framer = new PduFramer(() => (this.session ? limits.maxPduBytesBound : limits.maxPduBytesAnonymous));
    socket.setNoDelay(true);
    socket.setTimeout(limits.idleTimeoutMs);
    socket.on('timeout', () => this.destroy('idle timeout'));
    socket.on('close', () => this.cleanup());
    this.preBindTimer = setTimeout(() => this.destroy('no bind within ldap.limits.preBindTimeoutMs'), limits.preBindTimeoutMs);
    this.preBindTimer.unref();
    this.listen(socket);
  }

  /** A bind answered with success: a bound session (or any bind where anonymous may read) keeps the connection. */
  noteBindSucceeded(): void {
    if (this.preBindTimer && (this.session || this.deps.config.anonymous === 'read')) {
      clearTimeout(this.preBindTimer);
      this.preBindTimer = null;
    }
  }

  /** Starts the deadline when a PDU is begun, restarts it when one completes and a next one is begun. */
  private trackPduDeadline(completed: number): void {
    if (this.pduTimer && (completed > 0 || this.framer.pendingBytes === 0)) {
      clearTimeout(this.pduTimer);
      this.pduTimer = null;
    }
    if (!this.pduTimer && this.framer.pendingBytes > 0 && !this.closed) {
      const ms = this.deps.config.limits.pduDeadlineMs;
      this.pduTimer = setTimeout(() => {
        this.log.warn({ pendingBytes: this.framer.pendingBytes, ms }, 'request not completed in time, closing connection');
        this.destroy('PDU deadline');
      }, ms);
      this.pduTimer.unref();
    }
  }

  private clearTimers(): void {
    if (this.pduTimer) clearTimeout(this.pduTimer);
    if (this.preBindTimer) clearTimeout(this.preBindTimer);
    this.pduTimer = this.preBindTimer = null;
  }

  private listen(stream: Socket | TLSSocket): void {
    stream.on('data', (chunk: Buffer) => this.onData(chunk));
    stream.on('error', (err) => this.destroy(`socket error: ${err.message}`));
    stream.on('drain', () => this.flushDrainWaiters());
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private onData(chunk: Buffer): void {
    let pdus: Buffer[];
    try {
      pdus = this.framer.push(chunk);
    } catch (err) {
      this.protocolViolation(err as Error);
      return;
    }
    this.trackPduDeadline(pdus.length);
    this.backlog.push(...pdus);
    if (this.bindPending && this.backlog.length > MAX_BACKLOG) {
      this.protocolViolation(new BerError(`more than ${MAX_BACKLOG} requests queued behind a bind`));
      return;
    }
    this.drainBacklog();
  }

  /**
   * Runs queued PDUs in order. Everything after a bind waits for the bind's result (RFC 4511 4.2.1
   * forbids clients to pipeline past a bind, but some do, and must not be answered as anonymous).
   */
  private drainBacklog(): void {
    while (this.backlog.length > 0 && !this.bindPending && !this.closed) {
      this.handlePdu(this.backlog.shift()!);
    }
  }

  private handlePdu(pdu: Buffer): void {
    let env: Envelope;
    try {
      env = readEnvelope(pdu);
    } catch (err) {
      this.protocolViolation(err as Error);
      return;
    }
    try {
      checkStructure(pdu, this.deps.config.limits.maxBerDepth);
    } catch (err) {
      // The message id is known, so the client gets a proper answer and keeps its connection.
      const code = /nested deeper/.test((err as Error).message) ? 11 : 2;
      this.answerError(env, code, (err as Error).message);
      return;
    }
    this.dispatch(env, pdu);
  }

  private dispatch(env: Envelope, pdu: Buffer): void {
    const tag = env.op.tag;
    if (tag === 0x42) return this.destroy('unbind');
    if (tag === 0x50) return this.abandon(pdu, env);
    const critical = env.controls.find((c) => c.critical && !SUPPORTED_CONTROLS.includes(c.oid as never));
    if (critical) return this.answerError(env, 12, `unsupported critical control ${critical.oid}`);
    if (WRITE_OPS.has(tag)) return this.answerError(env, 53, 'idsync serves a read-only directory');
    if (!RESPONSE_OP[tag]) {
      this.protocolViolation(new BerError(`unknown operation 0x${tag.toString(16)}`));
      return;
    }
    if (this.running.size >= this.deps.config.limits.maxOutstandingPerConnection) {
      return this.answerError(env, 51, 'too many outstanding operations on this connection');
    }
    const ctx: OpContext = {
      requestId: this.deps.nextRequestId(),
      messageId: env.messageId,
      controls: env.controls,
      abandoned: false,
      log: this.log,
      startedAt: performance.now(),
    };
    this.running.set(env.messageId, ctx);
    const run = tag === 0x60 ? handleBind : tag === 0x63 ? handleSearch : tag === 0x6e ? handleCompare : handleExtended;
    if (tag === 0x60) this.bindPending = true;
    let pending: Promise<void>;
    try {
      pending = run(this, ctx, pdu, env);
    } catch (err) {
      // handleSearch runs synchronously as far as it can; a throw there must end like a rejection.
      pending = Promise.reject(err);
    }
    // A search answered synchronously (most of them) needs no promise bookkeeping.
    if (pending === SEARCH_DONE) {
      this.running.delete(env.messageId);
      return;
    }
    pending
      .catch((err: Error) => {
        this.log.error({ req: ctx.requestId, err }, 'operation failed');
        this.answerError(env, 80, 'internal error');
      })
      .finally(() => {
        this.running.delete(env.messageId);
        if (tag === 0x60) {
          this.bindPending = false;
          this.drainBacklog();
        }
      });
  }

  private abandon(pdu: Buffer, env: Envelope): void {
    try {
      const target = readInt(pdu, env.op);
      const op = this.running.get(target);
      if (op) op.abandoned = true;
      this.log.info({ op: 'abandon', target, found: !!op }, 'abandon');
    } catch {
      // RFC 4511 4.11: abandon has no response; a malformed one is simply ignored.
    }
  }

  /** Answer an operation that cannot run, with the right response type for its request. */
  answerError(env: Envelope, code: number, msg: string): void {
    const op = RESPONSE_OP[env.op.tag];
    this.log.info({ req: this.deps.nextRequestId(), op: `0x${env.op.tag.toString(16)}`, msgid: env.messageId, bindDN: this.session?.dn ?? '', code, reason: msg }, 'refused');
    if (op) this.send(result(env.messageId, op, { code, message: msg }));
    else this.destroy(msg);
  }

  respond(messageId: number, op: number, r: ResultFields, controls?: ResponseControl[]): void {
    this.send(result(messageId, op, r, controls));
  }

  /** Writes; returns false when the socket buffer is full (caller should await drained()). */
  send(buf: Buffer): boolean {
    if (this.closed) return false;
    // Everything written in one tick (an entry and its searchDone, a run of entries) leaves in one
    // writev: fewer syscalls and TCP segments, and the client parses fewer fragments.
    if (!this.corked) {
      const stream = this.stream;
      this.corked = true;
      stream.cork();
      process.nextTick(() => {
        this.corked = false;
        stream.uncork();
      });
    }
    // Node's own mark (16 KiB) would stop a listing every ~60 entries for an event-loop round trip;
    // up to SEND_BUFFER_BYTES queued per connection, entries leave in fewer, larger writes.
    const ok = this.stream.write(buf) || this.stream.writableLength < SEND_BUFFER_BYTES;
    // Backpressure: a client that does not read stops being read from, so it cannot queue more work.
    if (!ok) this.stream.pause();
    return ok;
  }

  /**
   * Lets what is queued leave now instead of at the end of the tick: a long run of entries reaches
   * the client while the rest is still being encoded, so the client parses in parallel.
   */
  flush(): void {
    if (!this.corked) return;
    // The uncork scheduled by send() then finds nothing corked, which Node ignores.
    this.corked = false;
    this.stream.uncork();
  }

  drained(): Promise<void> {
    if (this.closed || !this.stream.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private flushDrainWaiters(): void {
    this.stream.resume();
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    waiters.forEach((w) => w());
  }

  /** Re-checks the bound person against a new snapshot: someone suspended loses the session at once. */
  recheckSession(snapshot: DirectorySnapshot): void {
    const s = this.session;
    if (!s || s.subject.kind !== 'person') return;
    const now = snapshot.bindSubject(s.dn);
    if (!now || now.kind !== 'person' || now.state !== 'active') {
      this.log.info({ bindDN: s.dn, state: now && now.kind === 'person' ? now.state : 'absent' }, 'session revoked');
      this.session = null;
    }
  }

  /** StartTLS: the success response goes out in clear, then the same socket speaks TLS. */
  upgradeToTls(context: import('node:tls').SecureContext): void {
    const raw = this.stream as Socket;
    // The StartTLS response must leave in clear before the TLS layer takes the socket over.
    if (this.corked) {
      raw.uncork();
      this.corked = false;
    }
    raw.removeAllListeners('data');
    raw.removeAllListeners('drain');
    const secure = new TLSSocket(raw, { isServer: true, secureContext: context });
    this.stream = secure;
    this.secure = true;
    this.listen(secure);
  }

  private protocolViolation(err: Error): void {
    this.log.warn({ reason: err.message }, 'protocol violation, closing connection');
    // Notice of Disconnection (RFC 4511 4.4.1): unsolicited, message id 0.
    this.send(result(0, OP.extendedResponse, { code: 2, message: err.message, responseName: OID.noticeOfDisconnection }));
    this.destroy(err.message);
  }

  destroy(reason: string): void {
    if (this.closed) return;
    this.log.debug({ reason }, 'closing connection');
    this.closed = true;
    this.clearTimers();
    for (const op of this.running.values()) op.abandoned = true;
    this.stream.end();
    // A client that never reads must not keep the socket: end() waits for the peer, destroy does not.
    setTimeout(() => this.stream.destroy(), 1000).unref();
    this.flushDrainWaiters();
  }

  private cleanup(): void {
    this.closed = true;
    this.clearTimers();
    for (const op of this.running.values()) op.abandoned = true;
    this.paged.clear();
    this.flushDrainWaiters();
    this.onClosed(this);
  }
}
