// Signed checkpoints: every `every` records, one line {seq, hash, mac} with an HMAC-SHA256 over seq
// and hash under a key the store never sees. Someone who can rewrite the database but not read the
// key cannot make a forged or shortened trail match them.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { open, readFile, truncate, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { AuditAnchor } from '../../domain/audit-chain';
import type { AuditRecord } from '../../domain/types';
import type { AuditSink } from '../../ports/audit-sink';
import { readTail } from './tail';

export function readCheckpointKey(keyFile: string): Buffer {
  let key: Buffer;
  try {
    key = Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'utf8');
  } catch (err) {
    throw new Error(`audit.checkpoint.keyFile: cannot read ${keyFile}: ${(err as Error).message}`);
  }
  if (key.length < 16) throw new Error(`audit.checkpoint.keyFile: ${keyFile} holds ${key.length} byte(s); at least 16 are needed`);
  return key;
}

const macOf = (key: Buffer, seq: number, hash: string): string => createHmac('sha256', key).update(`${seq}\n${hash}`).digest('hex');

export class CheckpointAuditSink implements AuditSink {
  readonly name: string;
  private handle: FileHandle | null = null;

  constructor(readonly path: string, private readonly key: Buffer, private readonly every: number) {
    this.name = `checkpoint:${path}`;
    mkdirSync(dirname(path), { recursive: true });
  }

  async position(): Promise<number> {
    const tail = await readTail(this.path);
    if (tail.completeBytes < tail.size) await truncate(this.path, tail.completeBytes);
    return tail.lastLine ? Number(JSON.parse(tail.lastLine).seq) : 0;
  }

  async write(records: AuditRecord[]): Promise<void> {
    const due = records.filter((r) => r.seq % this.every === 0);
    if (due.length === 0) return;
    const lines = due.map((r) => JSON.stringify({ seq: r.seq, hash: r.hash, time: r.time, alg: 'HMAC-SHA256', mac: macOf(this.key, r.seq, r.hash) }));
    this.handle ??= await open(this.path, 'a');
    await this.handle.write(lines.join('\n') + '\n');
    await this.handle.datasync();
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    await handle?.close();
  }
}

/** Every complete checkpoint line as an anchor; a line whose signature fails is named. */
export async function readCheckpoints(path: string, key: Buffer): Promise<{ anchors: AuditAnchor[]; problem: string | null }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { anchors: [], problem: null };
    throw err;
  }
  const anchors: AuditAnchor[] = [];
  const lines = text.split('\n').slice(0, -1);
  for (let i = 0; i < lines.length; i++) {
    const where = `checkpoint file ${path} line ${i + 1}`;
    let c: { seq?: unknown; hash?: unknown; mac?: unknown };
    try {
      c = JSON.parse(lines[i]);
    } catch {
      return { anchors, problem: `${where} is not JSON` };
    }
    if (typeof c.seq !== 'number' || typeof c.hash !== 'string' || typeof c.mac !== 'string' || !sameMac(c.mac, macOf(key, c.seq, c.hash))) {
      return { anchors, problem: `${where} (seq ${String(c.seq)}) has a signature that does not match: the checkpoint was forged or the key changed` };
    }
    anchors.push({ source: `checkpoint file ${path}`, seq: c.seq, hash: c.hash });
  }
  return { anchors, problem: null };
}

function sameMac(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
