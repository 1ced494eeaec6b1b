import { UniqueViolationError } from '../../../src/ports/identity-store';
import { identity, insert, seedIdentities } from '../fixtures';
import type { SuiteContext } from '../identity-store';

export function uniquenessCases(ctx: SuiteContext): void {
  describe('uniqueness', () => {
    const violation = async (p: Promise<unknown>) => {
      const err = await p.then(
        () => null,
        (e) => e,
      );
      expect(err).toBeInstanceOf(UniqueViolationError);
      return err as UniqueViolationError;
    };

    it('refuses a username that differs from a taken one only in case', async () => {
      const store = ctx.store();
      await store.commit({ identities: [insert(identity(1, { username: 'jsmith' }))] });
      const err = await violation(store.commit({ identities: [insert(identity(2, { username: 'JSmith' }))] }));
      expect(err.field).toBe('username');
      expect(await store.getIdentity({ by: 'id', value: 'id-2' })).toBeNull();
    });

    it('refuses a taken uidNumber', async () => {
      const store = ctx.store();
      await seedIdentities(store, 1);
      const err = await violation(store.commit({ identities: [insert(identity(2, { uidNumber: 10_001 }))] }));
      expect(err.field).toBe('uidNumber');
      expect(err.value).toBe('10001');
    });

    it('refuses a taken employeeId but allows many identities without one', async () => {
      const store = ctx.store();
      await seedIdentities(store, 1);
      const err = await violation(store.commit({ identities: [insert(identity(2, { employeeId: 'E1' }))] }));
      expect(err.field).toBe('employeeId');
      await store.commit({
        identities: [insert(identity(3, { employeeId: null })), insert(identity(4, { employeeId: null }))],
      });
      expect((await store.listIdentities()).map((i) => i.id).sort()).toEqual(['id-1', 'id-3', 'id-4']);
    });

    it('refuses a taken value on update, and lets an identity keep or re-case its own username', async () => {
      const store = ctx.store();
      const [one, two] = await seedIdentities(store, 2);
      const err = await violation(
        store.commit({ identities: [{ identity: { ...two, username: 'User1' }, expectedRevision: 1 }] }),
      );
      expect(err.field).toBe('username');
      await store.commit({ identities: [{ identity: { ...one, username: 'USER1' }, expectedRevision: 1 }] });
      expect((await store.getIdentity({ by: 'username', value: 'user1' }))?.revision).toBe(2);
    });

    it('refuses two new identities with one username inside a single commit, storing neither', async () => {
      const store = ctx.store();
      await violation(
        store.commit({
          identities: [insert(identity(1, { username: 'dup' })), insert(identity(2, { username: 'DUP' }))],
        }),
      );
      expect(await store.listIdentities()).toEqual([]);
    });
  });
}
