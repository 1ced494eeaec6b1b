// The outbox for audit copies: each sink has a lane that reads the store's audit table after the
// sink's own position, writes a batch, waits until the sink has it, and only then moves on. A
// commit wakes the lanes; a sink that fails is retried with backoff and catches up from where it
// stands, so a crash or an outage loses nothing and a file copy holds every seq once, in order.
import type { AuditRecord } from '../domain/types';
import type { AuditSink } from '../ports/audit-sink';
import { within } from '../util/time';

export interface AuditTrailReader {
  readAudit(fromSeq: number, limit: number): Promise<AuditRecord[]>;
  auditHead(): Promise<{ seq: number; hash: string }>;
}

export interface AuditExporterOptions {
  batchSize?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** idle lanes also look for records committed by other processes this often */
  pollMs?: number;
  onError?: (sink: string, err: Error, retryInMs: number) => void;
}

class Lane {
  pos: number | null = null;
  failures = 0;
  private wakeUp: (() => void) | null = null;
  /** a wake that came while the lane was reading or writing, so its next pause must not sleep */
  private woken = false;
  private waiters: Array<{ seq: number; resolve: () => void }> = [];
  stopped = false;
  done: Promise<void> = Promise.resolve();

  constructor(readonly sink: AuditSink, private readonly reader: AuditTrailReader, private readonly opts: Required<AuditExporterOptions>) {}

  start(): void {
    this.done = this.loop();
  }

  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** resolves once the sink holds every record up to `seq` */
  reached(seq: number): Promise<void> {
    if (this.pos !== null && this.pos >= seq) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ seq, resolve }));
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      try {
        this.pos ??= await this.sink.position();
        this.settle();
        this.woken = false;
        const batch = await this.reader.readAudit(this.pos + 1, this.opts.batchSize);
        if (batch.length === 0) {
          await this.pause(this.opts.pollMs, true);
          continue;
        }
        await this.sink.write(batch);
        this.pos = batch[batch.length - 1].seq;
        this.failures = 0;
      } catch (err) {
        // the sink may hold part of the batch: ask it again where it stands before the retry
        this.pos = null;
        const delay = Math.min(this.opts.maxBackoffMs, this.opts.minBackoffMs * 2 ** this.failures++);
        this.opts.onError(this.sink.name, err as Error, delay);
        await this.pause(delay, false);
      }
    }
  }

  private settle(): void {
    const pos = this.pos ?? 0;
    this.waiters = this.waiters.filter((w) => (w.seq <= pos ? (w.resolve(), false) : true));
  }

  private pause(ms: number, wakeable: boolean): Promise<void> {
    if ((wakeable && this.woken) || this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(finish, ms);
      timer.unref();
      function finish(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        if (wakeable || this.stopped) finish();
      };
    });
  }
}

export class AuditExporter {
  private readonly lanes: Lane[];
  private started = false;
  private closing: Promise<void> | null = null;

  constructor(private readonly reader: AuditTrailReader, sinks: AuditSink[], opts: AuditExporterOptions = {}) {
    const full: Required<AuditExporterOptions> = {
      batchSize: opts.batchSize ?? 2000,
      minBackoffMs: opts.minBackoffMs ?? 250,
      maxBackoffMs: opts.maxBackoffMs ?? 30_000,
      pollMs: opts.pollMs ?? 2000,
      onError: opts.onError ?? (() => undefined),
    };
    this.lanes = sinks.map((s) => new Lane(s, reader, full));
  }

  get sinks(): AuditSink[] {
    return this.lanes.map((l) => l.sink);
  }

  /** starts exporting whatever the sinks lack (a backlog left by a crash first) */
  start(): void {
    if (this.started || this.closing) return;
    this.started = true;
    for (const lane of this.lanes) lane.start();
  }

  /** a commit appended records: every lane looks now instead of at its next poll */
  wake(): void {
    if (!this.started) this.start();
    for (const lane of this.lanes) lane.wake();
  }

  /**
   * Resolves true once every sink holds the trail up to the current head. A sink that keeps making
   * progress is waited for however long its backlog takes (a clean run must not lose its tail);
   * false once every sink still behind has been failing for `timeoutMs` (a sink that is down).
   */
  async flush(timeoutMs: number): Promise<boolean> {
    if (this.lanes.length === 0) return true;
    this.wake();
    const { seq } = await this.reader.auditHead();
    const pending = new Set(this.lanes);
    const reached = this.lanes.map((l) => l.reached(seq).then(() => pending.delete(l)));
    const all = Promise.all(reached).then(() => true);
    const failingSince = new Map<Lane, number>();
    for (;;) {
      // a referenced timer: a CLI closing its store must not exit before the sinks are settled
      if (await Promise.race([all, new Promise<false>((r) => setTimeout(() => r(false), 100))])) return true;
      const now = Date.now();
      for (const lane of pending) {
        if (lane.failures === 0) failingSince.delete(lane);
        else if (!failingSince.has(lane)) failingSince.set(lane, now);
      }
      const stuck = [...pending].every((l) => now - (failingSince.get(l) ?? now) >= timeoutMs);
      if (stuck) return false;
    }
  }

  /** exports what was committed (a sink that is down is given up on after failing `timeoutMs`), then closes the sinks */
  close(timeoutMs = 10_000): Promise<void> {
    this.closing ??= (async () => {
      if (this.started) await this.flush(timeoutMs);
      for (const lane of this.lanes) {
        lane.stopped = true;
        lane.wake();
      }
      await within(Promise.all(this.lanes.map((l) => l.done)), 2000);
      await Promise.allSettled(this.lanes.map((l) => l.sink.close()));
    })();
    return this.closing;
  }
}
