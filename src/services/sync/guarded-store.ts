import type { ChangeSet, CommitResult, IdentityStore } from '../../ports/identity-store';

/**
 * The store as seen by one locked run: every commit first passes `guard` (the fencing check), so a
 * run that stalled past its lock's expiry and lost it to another run cannot write once it wakes.
 */
export function guardCommits(store: IdentityStore, guard: () => Promise<void>): IdentityStore {
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'commit') {
        return async (changes: ChangeSet): Promise<CommitResult> => {
          await guard();
          return target.commit(changes);
        };
      }
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
