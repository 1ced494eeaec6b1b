import { auditDraft, dispute } from '../fixtures';
import type { SuiteContext } from '../identity-store';

const DECIDED = '2026-03-11T09:30:00.000Z';

export function disputeCases(ctx: SuiteContext): void {
  describe('disputes', () => {
    it('keeps an open dispute with the attributes it was opened on, and its resolution once decided, across reopen', async () => {
      const store = ctx.store();
      const attributes = { givenName: 'Sam', mail: 'sam@example.com', department: null };
      await store.commit({ disputes: [dispute('d-1', { attributes }), dispute('d-2')] });
      expect(await store.listDisputes(true)).toEqual([dispute('d-1', { attributes }), dispute('d-2')]);

      const resolved = dispute('d-1', {
        attributes,
        resolvedAt: DECIDED,
        resolution: { identityId: 'id-2', username: 'user2', decidedBy: { kind: 'helpdesk', id: 'olga' }, decidedAt: DECIDED },
      });
      // the decision replaces the open row, in the same commit as its audit record
      await store.commit({ disputes: [resolved], audit: [auditDraft('d-1', 'dispute.resolve', { subject: { kind: 'dispute', id: 'd-1' } })] });
      expect(await store.listDisputes(true)).toEqual([dispute('d-2')]);
      expect(await store.listDisputes(false)).toEqual([resolved, dispute('d-2')]);

      const reopened = await ctx.reopen();
      expect(await reopened.listDisputes(true)).toEqual([dispute('d-2')]);
      expect(await reopened.listDisputes(false)).toEqual([resolved, dispute('d-2')]);
      expect((await reopened.auditOfSubject('d-1')).map((r) => r.action)).toEqual(['dispute.resolve']);
    });
  });
}
