import type { AccessException, ReviewCampaign, ReviewItem } from '../../../src/domain/reviews/types';
import { UniqueViolationError } from '../../../src/ports/identity-store';
import { ReviewDecisionConflictError } from '../../../src/ports/reviews';
import { at, auditDraft, identity, insert, T0 } from '../fixtures';
import type { SuiteContext } from '../identity-store';

const actor = { kind: 'helpdesk' as const, id: 'ops' };

function campaign(id: string, over: Partial<ReviewCampaign> = {}): ReviewCampaign {
  return { id, name: `C-${id}`, scope: { kind: 'all' }, openedAt: T0, openedBy: actor, status: 'open', closedAt: null, ...over };
}

function item(id: string, over: Partial<ReviewItem> = {}): ReviewItem {
  return {
    id, campaignId: 'c1', identityId: 'id-1', username: 'user1', entitlement: { kind: 'group', name: 'eng' }, rule: 'role:eng',
    reviewer: 'id-9', decision: null, comment: null, decidedBy: null, decidedAt: null, ...over,
  };
}

function exception(id: string, identityId: string): AccessException {
  return {
    id, identityId, entitlement: { kind: 'account', name: 'gitea', values: ['dev'] }, rule: 'role:eng', ruleFingerprint: 'f1',
    campaignId: 'c1', itemId: 'i1', createdBy: actor, createdAt: T0,
  };
}

export function reviewCases(ctx: SuiteContext): void {
  describe('access reviews', () => {
    it('stores a campaign with its items and finds it by name, campaigns oldest first', async () => {
      const store = ctx.store();
      await store.commit({ reviewCampaigns: [campaign('c2', { openedAt: at(5) })] });
      await store.commit({ reviewCampaigns: [campaign('c1')], reviewItems: [item('i2', { username: 'bob' }), item('i1', { username: 'amy' })] });
      expect(await store.getReviewCampaign('C-c1')).toEqual(campaign('c1'));
      expect(await store.getReviewCampaign('nope')).toBeNull();
      expect((await store.listReviewCampaigns()).map((c) => c.id)).toEqual(['c1', 'c2']);
      expect((await store.listReviewItems({ campaignId: 'c1' })).map((i) => i.id)).toEqual(['i1', 'i2']);
      expect(await store.getReviewItem('i2')).toEqual(item('i2', { username: 'bob' }));
    });

    it('refuses a second campaign with a taken name and writes nothing of that commit', async () => {
      const store = ctx.store();
      await store.commit({ reviewCampaigns: [campaign('c1', { name: 'Q1' })] });
      const err = await store
        .commit({ reviewCampaigns: [campaign('c2', { name: 'Q1' })], reviewItems: [item('i1', { campaignId: 'c2' })], audit: [auditDraft('c2', 'review.start')] })
        .catch((e) => e);
      expect(err).toBeInstanceOf(UniqueViolationError);
      expect((err as UniqueViolationError).field).toBe('campaign');
      expect(await store.getReviewItem('i1')).toBeNull();
      expect(await store.readAudit(1, 10)).toEqual([]);
      // the same campaign written again (closing it) is no clash
      await store.commit({ reviewCampaigns: [campaign('c1', { name: 'Q1', status: 'closed', closedAt: at(1) })] });
      expect((await store.getReviewCampaign('Q1'))?.status).toBe('closed');
    });

    it('filters items by reviewer, identity and whether they are decided', async () => {
      const store = ctx.store();
      await store.commit({
        reviewCampaigns: [campaign('c1')],
        reviewItems: [item('i1'), item('i2', { reviewer: 'operators' }), item('i3', { identityId: 'id-2', username: 'user2' }), item('i4', { campaignId: 'c9' })],
      });
      await store.commit({ reviewDecisions: [item('i3', { identityId: 'id-2', username: 'user2', decision: 'keep', decidedBy: actor, decidedAt: at(1) })] });
      const ids = async (q: Parameters<typeof store.listReviewItems>[0]) => (await store.listReviewItems(q)).map((i) => i.id);
      expect(await ids({ campaignId: 'c1', reviewer: 'id-9' })).toEqual(['i1', 'i3']);
      expect(await ids({ campaignId: 'c1', reviewer: 'operators' })).toEqual(['i2']);
      expect(await ids({ campaignId: 'c1', identityId: 'id-2' })).toEqual(['i3']);
      expect(await ids({ campaignId: 'c1', pending: true })).toEqual(['i1', 'i2']);
      expect(await ids({ campaignId: 'c1', pending: false })).toEqual(['i3']);
      expect(await ids({ campaignId: 'c9' })).toEqual(['i4']);
    });

    it('commits a decision with its exception, the identity change and the audit record, or none of it', async () => {
      const store = ctx.store();
      const person = identity(1);
      await store.commit({ identities: [insert(person)], reviewCampaigns: [campaign('c1')], reviewItems: [item('i1')] });
      const decided = item('i1', { decision: 'revoke', comment: 'left the team', decidedBy: actor, decidedAt: at(1) });
      await store.commit({
        reviewDecisions: [decided],
        accessExceptions: [exception('x1', 'id-1')],
        identities: [{ identity: { ...person, revision: 1, entitlements: [] }, expectedRevision: 1 }],
        audit: [auditDraft('id-1', 'review.decide')],
      });
      expect(await store.getReviewItem('i1')).toEqual(decided);
      expect(await store.listAccessExceptions()).toEqual([exception('x1', 'id-1')]);
      expect((await store.readAudit(1, 10)).map((r) => r.action)).toEqual(['review.decide']);

      // a second decision of the same item is refused, and its exception and audit are not written
      const again = await store
        .commit({ reviewDecisions: [{ ...decided, decision: 'keep' }], accessExceptions: [exception('x2', 'id-1')], audit: [auditDraft('id-1', 'review.decide')] })
        .catch((e) => e);
      expect(again).toBeInstanceOf(ReviewDecisionConflictError);
      expect((await store.getReviewItem('i1'))?.decision).toBe('revoke');
      expect((await store.listAccessExceptions()).map((x) => x.id)).toEqual(['x1']);
      expect(await store.readAudit(1, 10)).toHaveLength(1);
    });

    it('refuses a decision for an item that does not exist', async () => {
      const err = await ctx.store().commit({ reviewDecisions: [item('ghost', { decision: 'keep' })] }).catch((e) => e);
      expect(err).toBeInstanceOf(ReviewDecisionConflictError);
    });

    it('lists exceptions, all or of some identities, and keeps them across a reopen', async () => {
      const store = ctx.store();
      await store.commit({ accessExceptions: [exception('x1', 'id-1'), exception('x2', 'id-2'), exception('x3', 'id-1')] });
      expect((await store.listAccessExceptions(['id-1'])).map((x) => x.id).sort()).toEqual(['x1', 'x3']);
      expect(await store.listAccessExceptions(['id-7'])).toEqual([]);
      const reopened = await ctx.reopen();
      expect((await reopened.listAccessExceptions()).map((x) => x.id).sort()).toEqual(['x1', 'x2', 'x3']);
    });
  });
}
