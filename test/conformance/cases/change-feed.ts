import type { ChangeEvent } from '../../../src/ports/identity-store';
import { auditDraft, group, identity, incrementCounter, insert, run, seedIdentities } from '../fixtures';
import type { SuiteContext } from '../identity-store';

export function changeFeedCases(ctx: SuiteContext): void {
  describe('change feed', () => {
    it('numbers commits that touch identities or groups and skips the others', async () => {
      const store = ctx.store();
      expect(await store.latestChangeSeq()).toBe(0);
      const first = await store.commit({ identities: [insert(identity(1)), insert(identity(2))] });
      const auditOnly = await store.commit({ audit: [auditDraft('id-1')], runs: [run('r1')] });
      const second = await store.commit({ groups: [group('sales')] });
      const third = await store.commit({
        identities: [{ identity: incrementCounter({ ...identity(1), revision: 1 }), expectedRevision: 1 }],
        groups: [group('ops')],
      });
      expect([first.changeSeq, auditOnly.changeSeq, second.changeSeq, third.changeSeq]).toEqual([1, null, 2, 3]);
      expect(await store.latestChangeSeq()).toBe(3);
      const feed = await store.changesSince(0);
      expect(feed.map(({ seq, identityIds, groupNames }) => ({ seq, identityIds, groupNames }))).toEqual([
        { seq: 1, identityIds: ['id-1', 'id-2'], groupNames: [] },
        { seq: 2, identityIds: [], groupNames: ['sales'] },
        { seq: 3, identityIds: ['id-1'], groupNames: ['ops'] },
      ]);
      expect(feed.every((e) => !Number.isNaN(Date.parse(e.at)))).toBe(true);
      expect((await store.changesSince(1)).map((e) => e.seq)).toEqual([2, 3]);
      expect((await store.changesSince(0, 2)).map((e) => e.seq)).toEqual([1, 2]);
      expect(await store.changesSince(3)).toEqual([]);
    });

    it('notifies listeners after the commit, with what the feed records', async () => {
      const store = ctx.store();
      const seen: { event: ChangeEvent; visible: Promise<number | undefined> }[] = [];
      store.onChange((event) => {
        // reading inside the listener must already see the committed state
        seen.push({ event, visible: store.getIdentity({ by: 'id', value: 'id-1' }).then((i) => i?.revision) });
      });
      const res = await store.commit({ identities: [insert(identity(1))], groups: [group('staff')] });
      await store.commit({ audit: [auditDraft('id-1')] });
      expect(seen).toHaveLength(1);
      expect(seen[0].event).toEqual((await store.changesSince(0))[0]);
      expect(seen[0].event).toMatchObject({ seq: res.changeSeq, identityIds: ['id-1'], groupNames: ['staff'] });
      expect(await seen[0].visible).toBe(1);
    });

    it('stops notifying after unsubscribe and survives a throwing listener', async () => {
      const store = ctx.store();
      const heard: number[] = [];
      store.onChange(() => {
        throw new Error('listener bug');
      });
      const unsubscribe = store.onChange((e) => heard.push(e.seq));
      await seedIdentities(store, 1);
      unsubscribe();
      await store.commit({ identities: [insert(identity(2))] });
      expect(heard).toEqual([1]);
      expect(await store.latestChangeSeq()).toBe(2);
    });
  });
}
