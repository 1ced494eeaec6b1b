import { ChainVerifier, GENESIS_HASH } from '../../../src/domain/audit-chain';
import type { AuditRecord } from '../../../src/domain/types';
import type { IdentityStore } from '../../../src/ports/identity-store';
import { auditDraft, seedIdentities } from '../fixtures';
import type { SuiteContext } from '../identity-store';

/** Reads the whole trail in pages and runs it through the domain verifier against the head marker. */
export async function verifyTrail(store: IdentityStore, pageSize = 50): Promise<{ count: number; fault: unknown }> {
  const verifier = new ChainVerifier();
  for (let from = 1; ; ) {
    const page = await store.readAudit(from, pageSize);
    for (const r of page) verifier.push(r);
    if (page.length < pageSize) break;
    from = page[page.length - 1].seq + 1;
  }
  return { count: verifier.count, fault: verifier.finish(await store.auditHead()) };
}

export function auditCases(ctx: SuiteContext): void {
  describe('audit chain', () => {
    it('starts empty at the genesis head', async () => {
      const store = ctx.store();
      expect(await store.auditHead()).toEqual({ seq: 0, hash: GENESIS_HASH });
      expect(await store.readAudit(1, 10)).toEqual([]);
    });

    it('numbers records from 1, links each to the one before and verifies against the head', async () => {
      const store = ctx.store();
      const a = await store.commit({ audit: [auditDraft('id-1', 'identity.create'), auditDraft('id-2', 'identity.create')] });
      const b = await store.commit({ audit: [auditDraft('id-1', 'identity.terminate')] });
      const all = await store.readAudit(1, 100);
      expect(all).toEqual([...a.audit, ...b.audit]);
      expect(all.map((r) => r.seq)).toEqual([1, 2, 3]);
      expect(all[0].prevHash).toBe(GENESIS_HASH);
      expect(all[1].prevHash).toBe(all[0].hash);
      expect(all[2].prevHash).toBe(all[1].hash);
      expect(await store.auditHead()).toEqual({ seq: 3, hash: all[2].hash });
      expect(await verifyTrail(store, 2)).toEqual({ count: 3, fault: null });
    });

    it('reads windows of the trail and one subject history in order', async () => {
      const store = ctx.store();
      for (let k = 0; k < 6; k++) await store.commit({ audit: [auditDraft(k % 2 ? 'id-odd' : 'id-even', `a${k}`)] });
      expect((await store.readAudit(3, 2)).map((r) => r.seq)).toEqual([3, 4]);
      expect((await store.readAudit(6, 10)).map((r) => r.seq)).toEqual([6]);
      expect(await store.readAudit(7, 10)).toEqual([]);
      const odd = await store.auditOfSubject('id-odd');
      expect(odd.map((r: AuditRecord) => r.action)).toEqual(['a1', 'a3', 'a5']);
      expect(await store.auditOfSubject('id-none')).toEqual([]);
    });

    it('keeps identities, head and chain across close and reopen, and continues the chain', async () => {
      const store = ctx.store();
      await seedIdentities(store, 2);
      const first = await store.commit({ audit: [auditDraft('id-1', 'identity.create')] });
      const reopened = await ctx.reopen();
      expect((await reopened.listIdentities()).map((i) => i.id).sort()).toEqual(['id-1', 'id-2']);
      expect(await reopened.auditHead()).toEqual({ seq: 1, hash: first.audit[0].hash });
      expect(await reopened.latestChangeSeq()).toBe(1);
      const next = await reopened.commit({ audit: [auditDraft('id-2', 'identity.create')] });
      expect(next.audit[0]).toMatchObject({ seq: 2, prevHash: first.audit[0].hash });
      expect(await verifyTrail(reopened)).toEqual({ count: 2, fault: null });
    });

    it('keeps the chain verifiable for drafts with undefined, dates and nested values', async () => {
      const store = ctx.store();
      await store.commit({
        audit: [
          auditDraft('id-1', 'identity.create', { before: undefined, after: { when: new Date(0), list: [1, 'x', null] } }),
          auditDraft('id-1', 'identity.update', { before: { a: { b: undefined, c: 'é' } }, after: null }),
        ],
      });
      const [first] = await store.readAudit(1, 1);
      expect(first.before).toBeNull();
      expect(first.after).toEqual({ when: '1970-01-01T00:00:00.000Z', list: [1, 'x', null] });
      expect(await verifyTrail(store)).toEqual({ count: 2, fault: null });
    });

    it('keeps a cursor per export sink, 0 until saved, across close and reopen', async () => {
      const store = ctx.store();
      expect(await store.exportCursor('syslog:tcp4://siem:514')).toBe(0);
      await store.saveExportCursor('syslog:tcp4://siem:514', 41);
      await store.saveExportCursor('syslog:udp4://other:514', 7);
      await store.saveExportCursor('syslog:tcp4://siem:514', 42);
      const reopened = await ctx.reopen();
      expect(await reopened.exportCursor('syslog:tcp4://siem:514')).toBe(42);
      expect(await reopened.exportCursor('syslog:udp4://other:514')).toBe(7);
    });

    it('repairAuditHead sets the head to the last record and reports the marker before', async () => {
      const store = ctx.store();
      expect(await store.repairAuditHead()).toEqual({ before: null, after: { seq: 0, hash: GENESIS_HASH } });
      const { audit } = await store.commit({ audit: [auditDraft('id-1', 'a'), auditDraft('id-1', 'b')] });
      const head = { seq: 2, hash: audit[1].hash };
      expect(await store.repairAuditHead()).toEqual({ before: head, after: head });
      const next = await store.commit({ audit: [auditDraft('id-1', 'c')] });
      expect(next.audit[0]).toMatchObject({ seq: 3, prevHash: audit[1].hash });
      expect(await verifyTrail(store)).toEqual({ count: 3, fault: null });
    });
  });
}
