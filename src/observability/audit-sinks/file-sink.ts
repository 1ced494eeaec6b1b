// JSON-lines copy of the trail. The file is its own cursor: its last complete line is the last
// record it holds, so a crash between a write and any bookkeeping cannot duplicate or skip a
// record, and a line cut by a crash is dropped before the sink writes again.
import { mkdirSync } from 'node:fs';
import { open, truncate, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { AuditRecord } from '../../domain/types';
import type { AuditSink } from '../../ports/audit-sink';
import { readTail } from './tail';

export class FileAuditSink implements AuditSink {
  readonly name: string;
  private handle: FileHandle | null = null;

  constructor(readonly path: string) {
    this.name = `file:${path}`;
    mkdirSync(dirname(path), { recursive: true });
  }

  async position(): Promise<number> {
    const tail = await readTail(this.path);
    if (tail.completeBytes < tail.size) await truncate(this.path, tail.completeBytes);
    return tail.lastLine ? seqOfLine(tail.lastLine, this.path) : 0;
  }

  async write(records: AuditRecord[]): Promise<void> {
    // Another process exporting to the same file (a CLI `sync --once` beside the daemon) may have
    // appended since this one looked: write only what the file does not hold yet.
    const { lastLine } = await readTail(this.path);
    const held = lastLine ? seqOfLine(lastLine, this.path) : 0;
    const fresh = records.filter((r) => r.seq > held);
    if (fresh.length === 0) return;
    this.handle ??= await open(this.path, 'a');
    const text = fresh.map((r) => JSON.stringify(r)).join('\n') + '\n';
    await this.handle.write(text);
    // the next position() reads this file back: it must be on disk, not in a buffer
    await this.handle.datasync();
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    await handle?.close();
  }
}

/** seq and hash of one exported line; an unreadable last line stops the sink with its place named */
export function anchorOfLine(line: string, path: string): { seq: number; hash: string } {
  let parsed: { seq?: unknown; hash?: unknown };
  try {
    parsed = JSON.parse(line);
  } catch {
    throw new Error(`audit file ${path}: the last line is not JSON`);
  }
  if (typeof parsed.seq !== 'number' || typeof parsed.hash !== 'string') {
    throw new Error(`audit file ${path}: the last line has no numeric seq and hash`);
  }
  return { seq: parsed.seq, hash: parsed.hash };
}

const seqOfLine = (line: string, path: string): number => anchorOfLine(line, path).seq;
