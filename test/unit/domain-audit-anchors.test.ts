import { chainAudit, ChainVerifier, describeFault, type AuditAnchor } from '../../src/domain/audit-chain';
import type { AuditRecord } from '../../src/domain/types';

function trail(n: number): AuditRecord[] {
  const out: AuditRecord[] = [];
  for (let i = 0; i < n; i++) {
    const prev = out.at(-1) ?? null;
    out.push(
      chainAudit(prev, {
        time: '2026-01-01T00:00:00.000Z',
        actor: { kind: 'system', id: 't' },
        action: 'identity.update',
        subject: { kind: 'identity', id: `id-${i}` },
        before: null,
        after: { n: i },
        correlationId: `c${i}`,
      }),
    );
  }
  return out;
}

function check(records: AuditRecord[], head: { seq: number; hash: string } | null, anchors: AuditAnchor[] = []): string | null {
  const v = new ChainVerifier(anchors);
  for (const r of records) if (v.push(r)) break;
  const fault = v.finish(head);
  return fault ? describeFault(fault) : null;
}

describe('ChainVerifier with a head marker and anchors kept outside the store', () => {
  const five = trail(5);
  const headOf = (r: AuditRecord) => ({ seq: r.seq, hash: r.hash });

  it('accepts an intact trail whose anchors agree', () => {
    expect(check(five, headOf(five[4]), [{ source: 'file', ...headOf(five[4]) }, { source: 'checkpoint', ...headOf(five[1]) }])).toBeNull();
  });

  it('names a missing head marker (reported as genesis) when records exist', () => {
    expect(check(five, { seq: 0, hash: '0'.repeat(64) })).toMatch(/head marker is missing while the trail holds records 1 to 5/);
  });

  it('names a head marker that stops before the last record', () => {
    expect(check(five, headOf(five[2]))).toMatch(/head marker stops at seq 3 while the trail holds records up to 5: record 4/);
  });

  it('names a cut beyond the head using the anchor, and an emptied trail', () => {
    expect(check(five.slice(0, 3), headOf(five[2]), [{ source: 'audit file x', ...headOf(five[4]) }])).toBe(
      'audit trail was cut: records 4 to 5 are missing, audit file x holds up to 5',
    );
    expect(check([], null, [{ source: 'audit file x', ...headOf(five[4]) }])).toMatch(/records 1 to 5 are missing/);
  });

  it('names the first record that differs from an anchor', () => {
    expect(check(five, headOf(five[4]), [{ source: 'checkpoint c', seq: 2, hash: 'f'.repeat(64) }])).toBe(
      'audit record 2 differs from the copy in checkpoint c: it was changed after it was exported',
    );
  });
});
