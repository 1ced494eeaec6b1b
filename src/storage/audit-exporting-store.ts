import type { AuditSink } from '../ports/audit-sink';
import type { ChangeSet, CommitResult, IdentityStore } from '../ports/identity-store';
import { updateWithRetry } from './cas';

/**
 * Decorates a store so every audit record is handed to the sinks after its transaction committed
 * (never before: a rolled-back change must not appear in a SIEM).
 */
export function withAuditExport(store: IdentityStore, sink: AuditSink): IdentityStore {
  const commit = async (changes: ChangeSet): Promise<CommitResult> => {
    const result = await store.commit(changes);
    for (const rec of result.audit) sink.write(rec);
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
