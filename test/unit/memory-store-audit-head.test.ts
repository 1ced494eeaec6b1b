import { GENESIS_HASH } from '../../src/domain/audit-chain';
import { AuditHeadError } from '../../src/ports/identity-store';
import { MemoryStore } from '../../src/storage/memory/memory-store';
import { auditDraft } from '../conformance/fixtures';

describe('memory store audit head', () => {
  it('refuses to append after a reset head marker, naming the repair, and continues after repairAuditHead', async () => {
    const store = new MemoryStore();
    const { audit } = await store.commit({ audit: [auditDraft('a'), auditDraft('b')] });
    store.rawHead = { seq: 0, hash: GENESIS_HASH };
    const refused = store.commit({ audit: [auditDraft('c')] });
    await expect(refused).rejects.toBeInstanceOf(AuditHeadError);
    await expect(refused).rejects.toThrow('idsync audit repair-head');
    expect(await store.readAudit(1, 10)).toHaveLength(2);
    expect(await store.repairAuditHead()).toEqual({ before: null, after: { seq: 2, hash: audit[1].hash } });
    expect((await store.commit({ audit: [auditDraft('c')] })).audit[0]).toMatchObject({ seq: 3, prevHash: audit[1].hash });
  });
});
