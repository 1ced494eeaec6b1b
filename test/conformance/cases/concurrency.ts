import type { IdentityStore } from '../../../src/ports/identity-store';
import { auditDraft, identity, incrementCounter, insert, seedIdentities, sourceRecord } from '../fixtures';
import type { SuiteContext } from '../identity-store';
import { verifyTrail } from './audit';

export function concurrencyCases(ctx: SuiteContext): void {
  describe('concurrent access', () => {
    it('keeps every commit and one linear audit chain under 2 x 50 interleaved commits', async () => {
      const a = ctx.store();
      const b = await ctx.second();
      const commitPerson = (store: IdentityStore, n: number) =>
        store.commit({
          sourceRecords: [sourceRecord('hr', `E${n}`, { identityId: `id-${n}` })],
          identities: [insert(identity(n))],
          audit: [auditDraft(`id-${n}`, 'identity.create'), auditDraft(`id-${n}`, 'identity.link')],
        });
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, k) => [commitPerson(a, 2 * k + 1), commitPerson(b, 2 * k + 2)]).flat(),
      );
      expect(await a.listIdentities()).toHaveLength(100);
      expect(await b.listSourceRecords('hr')).toHaveLength(100);
      expect(await verifyTrail(a, 64)).toEqual({ count: 200, fault: null });
      expect((await b.auditHead()).seq).toBe(200);
      const seqs = results.map((r) => r.changeSeq).sort((x, y) => x! - y!);
      expect(seqs).toEqual(Array.from({ length: 100 }, (_, k) => k + 1));
      const feed = await a.changesSince(0, 1000);
      expect(feed.flatMap((e) => e.identityIds).sort()).toEqual(results.flatMap((r) => Object.keys(r.revisions)).sort());
    });

    it('loses no increment and breaks no chain when both connections update the same people', async () => {
      const a = ctx.store();
      const b = await ctx.second();
      await seedIdentities(a, 3);
      const bump = (store: IdentityStore, id: string) =>
        store.updateIdentity(id, (cur) => ({ identity: incrementCounter(cur), audit: [auditDraft(id)] }), 200);
      await Promise.all(
        Array.from({ length: 8 }, (_, k) => ['id-1', 'id-2', 'id-3'].map((id) => bump(k % 2 ? a : b, id))).flat(),
      );
      for (const id of ['id-1', 'id-2', 'id-3']) {
        const stored = await b.getIdentity({ by: 'id', value: id });
        expect({ id, counter: stored?.attributes.counter, revision: stored?.revision }).toEqual({ id, counter: '8', revision: 9 });
        expect(await a.auditOfSubject(id)).toHaveLength(8);
      }
      expect(await verifyTrail(b)).toEqual({ count: 24, fault: null });
    });
  });
}
