// What allowing a held source run would do, remembered per run: planning a large run takes
// seconds, and its plan can only change when something is committed to the store, so a summary is
// reused while the store's latest change sequence is the one it was worked out at.
import type { HeldRunSummary } from '../services/sync/run-summary';

interface Remembered {
  seq: number;
  summary: HeldRunSummary;
}

export class HeldRunSummaries {
  /** insertion order is use order: the first key is the least recently used */
  private readonly byRun = new Map<string, Remembered>();

  constructor(private readonly maxRuns = 64) {}

  get size(): number {
    return this.byRun.size;
  }

  /** The summary of `runId` at change sequence `seq`, worked out by `plan` only when not remembered for that sequence. */
  async get(runId: string, seq: number, plan: () => Promise<HeldRunSummary>): Promise<HeldRunSummary> {
    const known = this.byRun.get(runId);
    this.byRun.delete(runId);
    if (known && known.seq === seq) {
      this.byRun.set(runId, known);
      return known.summary;
    }
    // a failed plan is not remembered: the next page load tries again
    const summary = await plan();
    this.byRun.delete(runId);
    this.byRun.set(runId, { seq, summary });
    while (this.byRun.size > this.maxRuns) this.byRun.delete(this.byRun.keys().next().value!);
    return summary;
  }
}
