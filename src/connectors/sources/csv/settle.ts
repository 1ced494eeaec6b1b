import { stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import type { Clock } from '../../../ports/clock';

/** Time as the settle wait sees it; injected so tests can move it instead of waiting. */
export interface FileTiming {
  clock: Clock;
  sleep(ms: number): Promise<void>;
}

export const realTiming = (clock: Clock): FileTiming => ({
  clock,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
});

/** What tells one version of a file from the next without reading it. */
export interface FileSignature {
  size: number;
  mtimeMs: number;
  ino: number;
}

export function signatureOf(s: Stats): FileSignature {
  return { size: s.size, mtimeMs: s.mtimeMs, ino: s.ino };
}

export function sameSignature(a: FileSignature, b: FileSignature): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino;
}

export type Settled = { settled: true; signature: FileSignature } | { settled: false; waitedMs: number };

/**
 * Waits until the file's size and mtime have not changed for `settleMs`. A file whose mtime is
 * already that old counts as settled at once, so a scheduled run over yesterday's drop does not
 * wait; a fresh one is watched. Time watched is counted from the sleeps themselves, so an mtime
 * ahead of the clock (another host's clock) is still judged by watching, and the wait ends after
 * `timeoutMs` of sleeping whatever the clock says.
 */
export async function waitUntilSettled(path: string, settleMs: number, timeoutMs: number, timing: FileTiming): Promise<Settled> {
  let current = signatureOf(await stat(path));
  let watchedMs = 0;
  let waitedMs = 0;
  for (;;) {
    const age = timing.clock.now().getTime() - current.mtimeMs;
    const stableFor = Math.max(age, watchedMs);
    if (stableFor >= settleMs) return { settled: true, signature: current };
    if (waitedMs >= timeoutMs) return { settled: false, waitedMs };
    const pause = Math.max(1, Math.min(settleMs - stableFor, timeoutMs - waitedMs));
    await timing.sleep(pause);
    waitedMs += pause;
    const next = signatureOf(await stat(path));
    if (sameSignature(next, current)) watchedMs += pause;
    else {
      current = next;
      watchedMs = 0;
    }
  }
}
