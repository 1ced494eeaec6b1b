// Plain option types and defaults of the fake target, apart from its zod schema so a worker process
// that only runs the fake does not pay for loading zod.
export type FaultKind = '500' | '429' | 'timeout' | 'malformed' | '400';

export interface FakeTargetOptions {
  /** SQLite file shared by every process that opens this target; default in-memory */
  statePath?: string;
  /** artificial latency per call */
  latencyMs: number;
  faults: { rate: number; kinds: FaultKind[]; retryAfterMs: number; timeoutMs: number };
}

export const DEFAULT_FAKE_OPTIONS: FakeTargetOptions = {
  latencyMs: 0,
  faults: { rate: 0, kinds: ['500'], retryAfterMs: 1000, timeoutMs: 200 },
};
