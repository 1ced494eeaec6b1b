import { auditHash, chainAudit, chainAuditWithJson, ChainVerifier } from '../../src/domain/audit-chain';
import { canonicalJson } from '../../src/domain/canonical';
import type { AuditDraft } from '../../src/domain/types';

const draft = (over: Partial<AuditDraft> = {}): AuditDraft => ({
  time: '2026-01-15T09:00:00.000Z',
  actor: { kind: 'source-run', id: 'hr-1', source: 'hr' },
  action: 'identity.create',
  subject: { kind: 'identity', id: 'id-1', username: 'jmüller' },
  before: null,
  after: { username: 'jmüller', attributes: { sn: 'Müller-Łukasz', title: 'Eng "lead"', endDate: null }, entitlements: [{ kind: 'group', name: 'r&d', rule: 'x' }] },
  correlationId: 'hr-1:E1',
  ...over,
});

describe('chainAuditWithJson (the SQLite store serialises audit parts once)', () => {
  it('gives the same record and hash as chainAudit, and parts that parse back to the values', () => {
    const head = { seq: 41, hash: 'a'.repeat(64) };
    for (const d of [draft(), draft({ before: { attributes: { title: 'A' } }, after: { attributes: { title: 'B' } } }), draft({ subject: { kind: 'run', id: 'r' } })]) {
      const { record, json } = chainAuditWithJson(head, d);
      expect(record).toEqual(chainAudit(head, d));
      expect(record.hash).toBe(auditHash(record));
      expect(JSON.parse(json.after)).toEqual(d.after);
      expect(JSON.parse(json.before)).toEqual(d.before);
      expect(JSON.parse(json.actor)).toEqual(d.actor);
      expect(json.subject).toBe(canonicalJson(d.subject));
    }
  });

  it('links records from genesis so the verifier accepts them, and a changed part shows', () => {
    const first = chainAuditWithJson(null, draft()).record;
    const second = chainAuditWithJson(first, draft({ correlationId: 'hr-1:E2' })).record;
    const verifier = new ChainVerifier();
    expect(verifier.push(first)).toBeNull();
    expect(verifier.push(second)).toBeNull();
    expect(auditHash({ ...second, after: { username: 'someone' } })).not.toBe(second.hash);
  });
});
