// Delivery ids already handled, so a replayed delivery is refused. Kept in memory, bounded in
// count and in age: an id older than the replay window can no longer come back as fresh (its
// timestamp is refused as stale), so it need not be remembered. A second instance behind a
// load balancer has its own set; a replay sent there only makes that instance read the same
// people again from the vendor, which changes nothing.
export interface SeenSet {
  /** false when the id was seen (or is being handled) already; true claims it */
  claim(id: string): boolean;
  /** forgets a claimed id whose handling failed, so the vendor's retry is accepted */
  release(id: string): void;
}

export function seenSet(opts: { maxEntries: number; ttlMs: number; now: () => number }): SeenSet {
  const seen = new Map<string, number>();
  const expire = () => {
    const cutoff = opts.now() - opts.ttlMs;
    for (const [id, at] of seen) {
      if (at > cutoff && seen.size < opts.maxEntries) break;
      seen.delete(id);
    }
  };
  return {
    claim(id) {
      expire();
      if (seen.has(id)) return false;
      seen.set(id, opts.now());
      return true;
    },
    release: (id) => void seen.delete(id),
  };
}
