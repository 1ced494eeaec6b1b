import type { IdentityStore } from '../../../src/ports/identity-store';
import type { SuiteContext } from '../identity-store';

/** Every value of every reserved range; a duplicate means a value was handed out twice. */
function expand(ranges: { start: number; count: number }[]): number[] {
  return ranges.flatMap(({ start, count }) => Array.from({ length: count }, (_, k) => start + k));
}

export function sequenceCases(ctx: SuiteContext): void {
  describe('reserveSequence', () => {
    it('starts at the floor, continues after each reservation and keeps sequences apart', async () => {
      const store = ctx.store();
      expect(await store.reserveSequence('uidNumber', 3, 10_000)).toBe(10_000);
      expect(await store.reserveSequence('uidNumber', 1, 10_000)).toBe(10_003);
      expect(await store.reserveSequence('gidNumber', 2, 20_000)).toBe(20_000);
      expect(await store.reserveSequence('uidNumber', 1, 10_000)).toBe(10_004);
    });

    it('jumps to a raised floor but never goes back below what it handed out', async () => {
      const store = ctx.store();
      await store.reserveSequence('uidNumber', 5, 10_000);
      expect(await store.reserveSequence('uidNumber', 1, 50_000)).toBe(50_000);
      expect(await store.reserveSequence('uidNumber', 1, 10_000)).toBe(50_001);
    });

    it('hands out no value twice across two connections reserving concurrently', async () => {
      const a = ctx.store();
      const b = await ctx.second();
      const reserve = async (store: IdentityStore, count: number) => ({
        start: await store.reserveSequence('uidNumber', count, 10_000),
        count,
      });
      const ranges = await Promise.all(
        Array.from({ length: 25 }, (_, k) => [reserve(a, 1 + (k % 3)), reserve(b, 1 + ((k + 1) % 4))]).flat(),
      );
      const values = expand(ranges);
      expect(new Set(values).size).toBe(values.length);
      const total = ranges.reduce((sum, r) => sum + r.count, 0);
      expect(Math.max(...values)).toBe(10_000 + total - 1);
    });

    it('continues after the store is closed and opened again', async () => {
      const first = await ctx.store().reserveSequence('gidNumber', 10, 20_000);
      const reopened = await ctx.reopen();
      expect(first).toBe(20_000);
      expect(await reopened.reserveSequence('gidNumber', 1, 20_000)).toBe(20_010);
    });
  });
}
