import { MemoryStore } from '../../src/storage/memory/memory-store';
import { runIdentityStoreConformance } from './identity-store';
import { runCredentialStoreConformance } from './credential-store';
import { MemoryCredentialStore } from '../../src/storage/memory/credential-store';

// The memory store has one set of tables per instance: its "second connection" and its "reopen"
// are that same instance (close() only drops listeners), which is all a single process can share.
runIdentityStoreConformance('memory', async () => {
  const store = new MemoryStore();
  return {
    store,
    cleanup: () => store.close(),
    reopen: async () => store,
    second: async () => store,
  };
});

runCredentialStoreConformance('memory', async () => {
  const store = new MemoryCredentialStore();
  return { store, second: async () => store, cleanup: () => store.close() };
});
