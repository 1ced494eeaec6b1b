// At most `limit` pairs applied at a target at once. The worker takes more jobs than that from the
// queue, so that finishing one job and fetching the next (a Redis round trip) overlaps with calls
// already running: the target sees `concurrency` changes in flight, never idle slots between them.

interface Waiter {
  priority: number;
  seq: number;
  start(): void;
}

export class CallGate {
  private running = 0;
  private seq = 0;
  private readonly waiting: Waiter[] = [];

  constructor(private readonly limit: number) {}

  /** Runs `work` once a place is free; among those waiting, the most urgent (lowest priority) goes first. */
  async run<T>(priority: number, work: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((start) => this.enqueue({ priority, seq: this.seq++, start }));
    else this.running++;
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  get inFlight(): number {
    return this.running;
  }

  private enqueue(w: Waiter): void {
    const at = this.waiting.findIndex((x) => x.priority > w.priority);
    if (at < 0) this.waiting.push(w);
    else this.waiting.splice(at, 0, w);
  }

  /** Hands the place straight to the next waiter, so `running` never dips below the limit in between. */
  private release(): void {
    const next = this.waiting.shift();
    if (next) next.start();
    else this.running--;
  }
}
