import type { ChangeSet, CommitResult, IdentityStore } from '../ports/identity-store';
import { updateWithRetry } from './cas';

/**
 * Decorates a store so every commit that appended audit records wakes the exporter, which copies
 * them from the audit table to the sinks (after the transaction committed, never before: a
 * rolled-back change must not appear in a SIEM).
 */
export function withAuditExport(store: IdentityStore, exporter: { wake(): void }): IdentityStore {
  const commit = async (changes: ChangeSet): Promise<CommitResult> => {
    const result = await store.commit(changes);
    if (result.audit.length > 0) exporter.wake();
    return result;
  };
  const proxy: IdentityStore = new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'commit') return commit;
      // updateIdentity commits internally; route it through the exporting commit
      if (prop === 'updateIdentity') {
        return (id: string, updater: Parameters<IdentityStore['updateIdentity']>[1], max = 5) =>
          updateWithRetry({ getIdentity: (k) => target.getIdentity(k), commit }, id, updater, max);
      }
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return proxy;
}
