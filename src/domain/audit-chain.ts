import type { AuditDraft, AuditRecord } from './types';
import { canonicalJson, sha256Hex } from './canonical';

/** The hash the first record links to. */
export const GENESIS_HASH = '0'.repeat(64);

/** Hash of a record over its canonical form, excluding the hash field itself. */
export function auditHash(record: Omit<AuditRecord, 'hash'>): string {
  const { seq, prevHash, time, actor, action, subject, before, after, correlationId } = record;
  return sha256Hex(canonicalJson({ seq, prevHash, time, actor, action, subject, before, after, correlationId }));
}

/** Links a draft after `prev` (or genesis). Stores call this inside their write transaction. */
export function chainAudit(prev: { seq: number; hash: string } | null, draft: AuditDraft): AuditRecord {
  const base = {
    ...draft,
    seq: prev ? prev.seq + 1 : 1,
    prevHash: prev ? prev.hash : GENESIS_HASH,
  };
  return { ...base, hash: auditHash(base) };
}

/** An audit record with the canonical JSON of its nested parts, which a store can write as they are. */
export interface ChainedAudit {
  record: AuditRecord;
  json: { actor: string; subject: string; before: string; after: string };
}

/**
 * chainAudit for stores that keep nested parts as JSON text: each part is serialised once, and the
 * hash input is assembled from those same strings (byte for byte what canonicalJson of the whole
 * record gives, keys in sorted order), instead of serialising everything twice.
 */
export function chainAuditWithJson(prev: { seq: number; hash: string } | null, draft: AuditDraft): ChainedAudit {
  const seq = prev ? prev.seq + 1 : 1;
  const prevHash = prev ? prev.hash : GENESIS_HASH;
  const json = {
    actor: canonicalJson(draft.actor),
    subject: canonicalJson(draft.subject),
    before: canonicalJson(draft.before),
    after: canonicalJson(draft.after),
  };
  const parts: Array<[string, string | undefined]> = [
    ['action', str(draft.action)],
    ['actor', draft.actor === undefined ? undefined : json.actor],
    ['after', draft.after === undefined ? undefined : json.after],
    ['before', draft.before === undefined ? undefined : json.before],
    ['correlationId', str(draft.correlationId)],
    ['prevHash', str(prevHash)],
    ['seq', String(seq)],
    ['subject', draft.subject === undefined ? undefined : json.subject],
    ['time', str(draft.time)],
  ];
  let text = '{';
  for (const [key, value] of parts) if (value !== undefined) text += (text.length > 1 ? ',"' : '"') + key + '":' + value;
  const hash = sha256Hex(text + '}');
  return { record: { ...draft, seq, prevHash, hash }, json };
}

const str = (value: string | undefined): string | undefined => (value === undefined ? undefined : JSON.stringify(value));

/** A (seq, hash) pair kept outside the store: an exported sink's last record or a signed checkpoint. */
export interface AuditAnchor {
  source: string;
  seq: number;
  hash: string;
}

export type ChainFault =
  | { kind: 'hash-mismatch'; seq: number }
  | { kind: 'broken-link'; seq: number }
  | { kind: 'gap'; seq: number; expected: number }
  | { kind: 'truncated'; seq: number; expected: number }
  | { kind: 'head-missing'; seq: number; lastSeq: number }
  | { kind: 'anchor-mismatch'; seq: number; source: string }
  | { kind: 'anchor-ahead'; seq: number; expected: number; source: string };

/**
 * Streaming verifier: feed records in seq order, get the first fault. `expectedHead` (from a
 * separately kept head marker) detects a cut tail, which a chain alone cannot show; anchors kept
 * outside the store detect a cut that took the head marker with it, or an emptied trail.
 */
export class ChainVerifier {
  private prev: { seq: number; hash: string } | null = null;
  private fault: ChainFault | null = null;
  private readonly anchorsAt = new Map<number, AuditAnchor[]>();
  count = 0;

  constructor(private readonly anchors: AuditAnchor[] = []) {
    for (const a of anchors) this.anchorsAt.set(a.seq, [...(this.anchorsAt.get(a.seq) ?? []), a]);
  }

  push(record: AuditRecord): ChainFault | null {
    if (this.fault) return this.fault;
    const expectedSeq = this.prev ? this.prev.seq + 1 : 1;
    const expectedPrev = this.prev ? this.prev.hash : GENESIS_HASH;
    if (record.seq !== expectedSeq) this.fault = { kind: 'gap', seq: record.seq, expected: expectedSeq };
    else if (record.prevHash !== expectedPrev) this.fault = { kind: 'broken-link', seq: record.seq };
    else if (auditHash(record) !== record.hash) this.fault = { kind: 'hash-mismatch', seq: record.seq };
    else this.fault = this.anchorFault(record);
    this.prev = { seq: record.seq, hash: record.hash };
    this.count++;
    return this.fault;
  }

  private anchorFault(record: AuditRecord): ChainFault | null {
    const differing = (this.anchorsAt.get(record.seq) ?? []).find((a) => a.hash !== record.hash);
    return differing ? { kind: 'anchor-mismatch', seq: record.seq, source: differing.source } : null;
  }

  /** `expectedHead` seq 0 with records present means the marker is gone (stores report a missing one as genesis). */
  finish(expectedHead: { seq: number; hash: string } | null): ChainFault | null {
    if (this.fault) return this.fault;
    const lastSeq = this.prev?.seq ?? 0;
    const beyond = this.anchors.filter((a) => a.seq > lastSeq).sort((a, b) => b.seq - a.seq)[0];
    if (expectedHead && expectedHead.seq > lastSeq) {
      this.fault = { kind: 'truncated', seq: lastSeq + 1, expected: expectedHead.seq };
    } else if (beyond) {
      this.fault = { kind: 'anchor-ahead', seq: lastSeq + 1, expected: beyond.seq, source: beyond.source };
    } else if (expectedHead && expectedHead.seq < lastSeq) {
      this.fault = { kind: 'head-missing', seq: expectedHead.seq + 1, lastSeq };
    } else if (expectedHead && expectedHead.seq === lastSeq && lastSeq > 0 && expectedHead.hash !== this.prev?.hash) {
      this.fault = { kind: 'hash-mismatch', seq: lastSeq };
    }
    return this.fault;
  }
}

export function describeFault(f: ChainFault): string {
  switch (f.kind) {
    case 'hash-mismatch':
      return `audit record ${f.seq} was changed: its hash does not match its content`;
    case 'broken-link':
      return `audit record ${f.seq} does not link to the record before it (a record was removed, inserted or reordered)`;
    case 'gap':
      return `audit record ${f.expected} is missing (found ${f.seq} where ${f.expected} was expected)`;
    case 'truncated':
      return `audit trail was cut: records ${f.seq} to ${f.expected} are missing from the tail`;
    case 'head-missing':
      return f.seq === 1
        ? `the audit head marker is missing while the trail holds records 1 to ${f.lastSeq} (repair: idsync audit repair-head)`
        : `the audit head marker stops at seq ${f.seq - 1} while the trail holds records up to ${f.lastSeq}: record ${f.seq} was written around the store or the marker was reset (repair: idsync audit repair-head)`;
    case 'anchor-mismatch':
      return `audit record ${f.seq} differs from the copy in ${f.source}: it was changed after it was exported`;
    case 'anchor-ahead':
      return `audit trail was cut: records ${f.seq} to ${f.expected} are missing, ${f.source} holds up to ${f.expected}`;
  }
}
