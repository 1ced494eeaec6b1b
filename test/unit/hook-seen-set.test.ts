// The bounded set of delivery ids the hooks refuse as replays.
import { seenSet } from '../../src/inbound/hooks/seen';

describe('hook seen-set', () => {
  it('refuses an id claimed before, takes it again once released or older than the window', () => {
    let now = 0;
    const seen = seenSet({ maxEntries: 100, ttlMs: 1000, now: () => now });
    expect(seen.claim('a')).toBe(true);
    expect(seen.claim('a')).toBe(false);
    seen.release('a');
    expect(seen.claim('a')).toBe(true);
    now = 1001;
    expect(seen.claim('a')).toBe(true);
  });

  it('keeps at most maxEntries ids, forgetting the oldest first', () => {
    const seen = seenSet({ maxEntries: 3, ttlMs: 60_000, now: () => 0 });
    for (const id of ['a', 'b', 'c', 'd']) expect(seen.claim(id)).toBe(true);
    expect(seen.claim('d')).toBe(false);
    expect(seen.claim('c')).toBe(false);
    expect(seen.claim('a')).toBe(true);
  });
});
