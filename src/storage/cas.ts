import type { Identity } from '../domain/types';
import { RevisionConflictError, type IdentityStore, type IdentityUpdate } from '../ports/identity-store';

/**
 * Compare-and-swap loop shared by every backend: read, let the caller compute the next state,
 * commit against the read revision, and start over when someone else won the race.
 */
export async function updateWithRetry(
  store: Pick<IdentityStore, 'getIdentity' | 'commit'>,
  id: string,
  updater: (current: Identity) => IdentityUpdate | null,
  maxAttempts: number,
): Promise<Identity | null> {
  for (let attempt = 1; ; attempt++) {
    const current = await store.getIdentity({ by: 'id', value: id });
    if (!current) return null;
    const update = updater(structuredClone(current));
    if (!update) return current;
    try {
      const res = await store.commit({
        identities: [{ identity: update.identity, expectedRevision: current.revision }],
        intents: update.intents,
        audit: update.audit,
      });
      return { ...update.identity, revision: res.revisions[id] };
    } catch (err) {
      if (!(err instanceof RevisionConflictError) || attempt >= maxAttempts) throw err;
      // jittered pause so two writers do not collide again in lockstep
      await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
    }
  }
}
