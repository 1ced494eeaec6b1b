// Long in-memory work split into steps (a generator that yields between them), so it can run
// either at once or a slice at a time with the event loop served in between.
import { performance } from 'node:perf_hooks';

export type Steps<T> = Generator<void, T, void>;

export interface YieldOptions {
  /** how long one slice may run before the event loop gets a turn (default 10 ms; 0 = after every step) */
  sliceMs?: number;
}

const DEFAULT_SLICE_MS = 10;

/** Runs every step, giving the event loop a turn (setImmediate) whenever a slice has run `sliceMs`. */
export async function runYielding<T>(steps: Steps<T>, opts: YieldOptions = {}): Promise<T> {
  const sliceMs = opts.sliceMs ?? DEFAULT_SLICE_MS;
  let sliceStarted = performance.now();
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    if (performance.now() - sliceStarted >= sliceMs) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStarted = performance.now();
    }
  }
}

/** Runs every step without yielding: for small inputs. */
export function runAtOnce<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/** Work items between two steps: small enough that a step stays well under a millisecond. */
export const STEP = 1000;

/** Strings in code-unit order (as `<` and the default sort compare), sorted in runs and merged a step at a time. */
export function* sortStrings(values: string[]): Steps<string[]> {
  let runs: string[][] = [];
  for (let i = 0; i < values.length; i += STEP) {
    runs.push(values.slice(i, i + STEP).sort());
    yield;
  }
  while (runs.length > 1) {
    const merged: string[][] = [];
    for (let i = 0; i < runs.length; i += 2) merged.push(runs[i + 1] ? yield* merge(runs[i]!, runs[i + 1]!) : runs[i]!);
    runs = merged;
  }
  return runs[0] ?? [];
}

function* merge(a: string[], b: string[]): Steps<string[]> {
  const out: string[] = new Array<string>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) {
    out[k++] = a[i]! <= b[j]! ? a[i++]! : b[j++]!;
    if (k % STEP === 0) yield;
  }
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}
