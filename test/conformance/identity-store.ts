// One behavioural suite every IdentityStore backend must pass (dex's storage/conformance idea).
// A backend's test file calls runIdentityStoreConformance with a factory that opens a fresh,
// empty store per test; the suite never reaches into a backend's internals.
import type { IdentityStore } from '../../src/ports/identity-store';
import { auditCases } from './cases/audit';
import { casCases } from './cases/cas';
import { changeFeedCases } from './cases/change-feed';
import { concurrencyCases } from './cases/concurrency';
import { disputeCases } from './cases/disputes';
import { lightQueryCases } from './cases/light-queries';
import { outboxCases } from './cases/outbox';
import { queryCases } from './cases/queries';
import { recordLookupCases } from './cases/record-lookup';
import { recordQueryCases } from './cases/record-queries';
import { reviewCases } from './cases/reviews';
import { sequenceCases } from './cases/sequences';
import { sourceGroupCases } from './cases/source-groups';
import { uniquenessCases } from './cases/uniqueness';

export interface StoreHarness {
  store: IdentityStore;
  /** closes everything the harness opened and removes its data */
  cleanup: () => Promise<void>;
  /** opens the same data again after `store` was closed (durability across restarts) */
  reopen?: () => Promise<IdentityStore>;
  /** another, independent connection to the same data, for real concurrency */
  second?: () => Promise<IdentityStore>;
}

export interface SuiteContext {
  store(): IdentityStore;
  /** a second connection, or the same store when the backend has only one (memory) */
  second(): Promise<IdentityStore>;
  /** closes `store()` and opens the data again; fails when the harness cannot */
  reopen(): Promise<IdentityStore>;
}

export function runIdentityStoreConformance(name: string, makeStore: () => Promise<StoreHarness>): void {
  describe(`IdentityStore conformance: ${name}`, () => {
    let harness: StoreHarness | null = null;

    beforeEach(async () => {
      harness = await makeStore();
    });

    afterEach(async () => {
      await harness?.cleanup();
      harness = null;
    });

    const current = (): StoreHarness => {
      if (!harness) throw new Error('no store open: the harness factory failed');
      return harness;
    };
    const ctx: SuiteContext = {
      store: () => current().store,
      second: async () => (current().second ? current().second!() : current().store),
      reopen: async () => {
        const h = current();
        if (!h.reopen) throw new Error(`the ${name} harness provides no reopen(); durability cannot be checked`);
        await h.store.close();
        return h.reopen();
      },
    };

    casCases(ctx);
    outboxCases(ctx);
    uniquenessCases(ctx);
    sequenceCases(ctx);
    queryCases(ctx);
    recordQueryCases(ctx);
    recordLookupCases(ctx);
    lightQueryCases(ctx);
    changeFeedCases(ctx);
    sourceGroupCases(ctx);
    auditCases(ctx);
    reviewCases(ctx);
    disputeCases(ctx);
    concurrencyCases(ctx);
  });
}
