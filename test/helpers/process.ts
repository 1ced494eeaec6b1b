// Waiting on spawned daemons and on conditions they eventually make true.
import type { ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

/** The built CLI, as an operator runs it (dist is built by `npm ci`'s prepare step). */
export const IDSYNC_BIN = resolve(__dirname, '../../bin/idsync.js');

export function waitForExit(child: ChildProcess, ms: number): Promise<number | null> {
  return new Promise((res, rej) => {
    const t = setTimeout(() => rej(new Error(`process did not exit within ${ms} ms`)), ms);
    child.once('exit', (code) => {
      clearTimeout(t);
      res(code);
    });
  });
}

/** SIGTERM and wait, if it still runs. */
export async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/**
 * Polls `fn` until it returns something other than undefined. With `retryOnError`, a throw (a
 * server not listening yet) counts as "not yet" and the last one is reported on timeout.
 */
export async function until<T>(
  fn: () => Promise<T | undefined> | T | undefined,
  ms: number,
  opts: { retryOnError?: boolean; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      if (!opts.retryOnError) throw err;
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`condition not met in time${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 100));
  }
}
