import { auditDraft, group, identity, insert } from '../fixtures';
import type { SuiteContext } from '../identity-store';

const engineering = group('Engineering', {
  gidNumber: 30_001,
  origin: 'source:entra',
  externalId: 'g-eng',
  members: ['id-1', 'id-2'],
  memberGroups: ['Platform'],
  description: 'all engineers',
});

export function sourceGroupCases(ctx: SuiteContext): void {
  describe('source groups', () => {
    it('keeps a source group whole: origin, external id, members and nested groups', async () => {
      const store = ctx.store();
      await store.commit({ identities: [insert(identity(1)), insert(identity(2))], groupWrites: [engineering] });
      expect(await store.getGroup('Engineering')).toEqual(engineering);
      expect((await store.listGroups()).filter((g) => g.origin === 'source:entra')).toEqual([engineering]);
      const reopened = await ctx.reopen();
      expect(await reopened.getGroup('Engineering')).toEqual(engineering);
    });

    it('replaces a written group whole, where an insert-only group leaves it as it is', async () => {
      const store = ctx.store();
      await store.commit({ groupWrites: [engineering] });
      await store.commit({ groups: [group('Engineering', { description: 'insert-only' })] });
      expect(await store.getGroup('Engineering')).toEqual(engineering);
      const fewer = { ...engineering, members: ['id-2'], memberGroups: [] };
      await store.commit({ groupWrites: [fewer] });
      expect(await store.getGroup('Engineering')).toEqual(fewer);
    });

    it('moves a renamed group in one commit and reports both names in the change feed', async () => {
      const store = ctx.store();
      await store.commit({ groupWrites: [engineering] });
      const renamed = { ...engineering, name: 'R&D' };
      const res = await store.commit({ groupRemovals: ['Engineering'], groupWrites: [renamed], audit: [auditDraft('g-eng', 'group.update')] });
      expect(await store.getGroup('Engineering')).toBeNull();
      expect(await store.getGroup('R&D')).toEqual(renamed);
      const [event] = await store.changesSince((res.changeSeq as number) - 1);
      expect(event.groupNames.sort()).toEqual(['Engineering', 'R&D']);
    });

    it('keeps a tombstone with its gidNumber, listed but marked deleted', async () => {
      const store = ctx.store();
      await store.commit({ groupWrites: [engineering] });
      const tombstone = { ...engineering, name: 'deleted:source:entra:g-eng', formerName: 'Engineering', members: [], memberGroups: [], deletedAt: '2026-02-01T00:00:00.000Z' };
      await store.commit({ groupRemovals: ['Engineering'], groupWrites: [tombstone] });
      const listed = await store.listGroups();
      expect(listed.find((g) => g.externalId === 'g-eng')).toEqual(tombstone);
      expect(listed.some((g) => g.name === 'Engineering')).toBe(false);
    });

    it('writes nothing of a group commit that fails', async () => {
      const store = ctx.store();
      await store.commit({ identities: [insert(identity(1))] });
      await expect(store.commit({ identities: [insert(identity(1))], groupWrites: [engineering] })).rejects.toThrow();
      expect(await store.getGroup('Engineering')).toBeNull();
    });
  });
}
