// CredentialStore semantics every backend must keep: run by memory.test.ts, sqlite.test.ts and
// mongodb.test.ts beside the IdentityStore suite, each against its real backend.
import type { CredentialStore } from '../../src/ports/credential-store';

export interface CredentialStoreFixture {
  store: CredentialStore;
  /** another connection to the same storage (another idsync instance); memory: the same object */
  second(): Promise<CredentialStore>;
  cleanup(): Promise<void>;
}

export function runCredentialStoreConformance(name: string, open: () => Promise<CredentialStoreFixture>): void {
  describe(`CredentialStore conformance: ${name}`, () => {
    let fx: CredentialStoreFixture;
    beforeEach(async () => {
      fx = await open();
    });
    afterEach(async () => fx.cleanup());

    it('stores and replaces password hashes, usernames case-insensitively', async () => {
      const { store } = fx;
      expect(await store.getPasswordHash('alice')).toBeNull();
      await store.setPasswordHash('alice', 'h1', '2026-01-01T00:00:00Z');
      await store.setPasswordHash('Alice', 'h2', '2026-01-02T00:00:00Z');
      expect(await store.getPasswordHash('ALICE')).toBe('h2');
    });

    it('accepts each TOTP time step once and never an older one', async () => {
      const { store } = fx;
      expect(await store.consumeTotpStep('bob', 5)).toBe(false);
      await store.setTotp('bob', { secret: 'ABC', lastTimeStep: 0, enrolledAt: '2026-01-01T00:00:00Z' });
      expect(await store.consumeTotpStep('bob', 100)).toBe(true);
      expect(await store.consumeTotpStep('Bob', 100)).toBe(false);
      expect(await store.consumeTotpStep('bob', 99)).toBe(false);
      expect(await store.consumeTotpStep('bob', 101)).toBe(true);
      expect(await store.getTotp('BOB')).toMatchObject({ secret: 'ABC', lastTimeStep: 101 });
    });

    it('shares secrets with a second connection, which accepts a time step only once between them', async () => {
      const other = await fx.second();
      await fx.store.setPasswordHash('carol', 'h-carol', '2026-01-01T00:00:00Z');
      await fx.store.setTotp('carol', { secret: 'XYZ', lastTimeStep: 7, enrolledAt: '2026-01-01T00:00:00Z' });
      expect(await other.getPasswordHash('carol')).toBe('h-carol');
      const both = await Promise.all([fx.store.consumeTotpStep('carol', 8), other.consumeTotpStep('carol', 8)]);
      expect(both.filter(Boolean)).toHaveLength(1);
    });
  });
}
