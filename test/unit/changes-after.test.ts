import { changesAfter, type ChangeEvent } from '../../src/ports/identity-store';

/** A change feed of `n` entries (seq 1..n) that answers changesSince as the stores do. */
function feed(n: number) {
  const events: ChangeEvent[] = Array.from({ length: n }, (_, i) => ({ seq: i + 1, identityIds: [`id${i + 1}`], groupNames: [], at: '2026-12-02T00:00:00.000Z' }));
  const calls: number[] = [];
  return {
    calls,
    changesSince: async (seq: number, limit = 1000) => {
      calls.push(seq);
      return events.filter((e) => e.seq > seq).slice(0, limit);
    },
  };
}

describe('changesAfter', () => {
  it('reads every entry after the given seq, a page at a time, each page starting after the last one read', async () => {
    const reader = feed(2500);
    const events = await changesAfter(reader, 0, 1000);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 2500 }, (_, i) => i + 1));
    expect(reader.calls).toEqual([0, 1000, 2000]);
  });

  it('stops after an exactly full page once the next one comes back empty', async () => {
    const reader = feed(2000);
    expect((await changesAfter(reader, 500, 500)).map((e) => e.seq)).toEqual(Array.from({ length: 1500 }, (_, i) => i + 501));
    expect(reader.calls).toEqual([500, 1000, 1500, 2000]);
  });

  it('returns nothing when the follower is up to date', async () => {
    expect(await changesAfter(feed(3), 3)).toEqual([]);
  });
});
