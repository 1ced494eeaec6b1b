// Reads the end of a line-oriented file: the last complete line is where a file sink stands, and
// bytes after it are a write cut by a crash.
import { open } from 'node:fs/promises';

export interface FileTail {
  /** the last newline-terminated line, without its newline (null when the file has none) */
  lastLine: string | null;
  /** bytes up to and including the last newline: what survives a cut write */
  completeBytes: number;
  size: number;
}

const CHUNK = 64 * 1024;

export async function readTail(path: string): Promise<FileTail> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { lastLine: null, completeBytes: 0, size: 0 };
    throw err;
  }
  try {
    const size = (await handle.stat()).size;
    const end = await lastNewlineBefore(handle, size);
    if (end < 0) return { lastLine: null, completeBytes: 0, size };
    const start = (await lastNewlineBefore(handle, end)) + 1;
    const buf = Buffer.alloc(end - start);
    await handle.read(buf, 0, buf.length, start);
    return { lastLine: buf.toString('utf8'), completeBytes: end + 1, size };
  } finally {
    await handle.close();
  }
}

/** offset of the last '\n' strictly before `limit`, or -1 */
async function lastNewlineBefore(handle: import('node:fs/promises').FileHandle, limit: number): Promise<number> {
  for (let hi = limit; hi > 0; ) {
    const lo = Math.max(0, hi - CHUNK);
    const buf = Buffer.alloc(hi - lo);
    await handle.read(buf, 0, buf.length, lo);
    const at = buf.lastIndexOf(0x0a);
    if (at >= 0) return lo + at;
    hi = lo;
  }
  return -1;
}
