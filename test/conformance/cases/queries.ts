import { identity, insert, seedIdentities } from '../fixtures';
import type { SuiteContext } from '../identity-store';

export function queryCases(ctx: SuiteContext): void {
  describe('identity queries', () => {
    it('finds an identity by each of its keys, username and mail case-insensitively', async () => {
      const store = ctx.store();
      await store.commit({
        identities: [insert(identity(1, { username: 'jSmith', attributes: { mail: 'J.Smith@Example.COM' } }))],
      });
      const keys = [
        { by: 'id', value: 'id-1' },
        { by: 'username', value: 'JSMITH' },
        { by: 'employeeId', value: 'E1' },
        { by: 'mail', value: 'j.smith@example.com' },
        { by: 'uidNumber', value: 10_001 },
      ] as const;
      for (const key of keys) {
        expect({ key, found: (await store.getIdentity(key))?.id }).toEqual({ key, found: 'id-1' });
      }
      expect(await store.getIdentity({ by: 'employeeId', value: 'e1' })).toBeNull();
      expect(await store.getIdentity({ by: 'uidNumber', value: 10_002 })).toBeNull();
      expect(await store.getIdentity({ by: 'username', value: 'jsmith2' })).toBeNull();
    });

    it('returns what was stored, revision included, as a copy the caller cannot corrupt', async () => {
      const store = ctx.store();
      const [seeded] = await seedIdentities(store, 1);
      const got = await store.getIdentity({ by: 'id', value: 'id-1' });
      expect(got).toEqual(seeded);
      got!.attributes.sn = 'Mutated';
      got!.entitlements.push({ kind: 'group', name: 'admins', rule: 'x' });
      expect(await store.getIdentity({ by: 'id', value: 'id-1' })).toEqual(seeded);
    });

    it('finds every identity sharing a mail, and none for a missing or empty mail', async () => {
      const store = ctx.store();
      await store.commit({
        identities: [
          insert(identity(1, { attributes: { mail: 'shared@example.com' } })),
          insert(identity(2, { attributes: { mail: 'SHARED@example.com' } })),
          insert(identity(3, { attributes: { mail: 'other@example.com' } })),
          insert(identity(4, { attributes: { mail: null } })),
          insert(identity(5, { attributes: { mail: '' } })),
        ],
      });
      const shared = await store.findIdentitiesByMail('Shared@Example.com');
      expect(shared.map((i) => i.id).sort()).toEqual(['id-1', 'id-2']);
      expect(await store.findIdentitiesByMail('nobody@example.com')).toEqual([]);
      expect(await store.findIdentitiesByMail('')).toEqual([]);
      expect(await store.getIdentity({ by: 'mail', value: '' })).toBeNull();
    });

    it('lists every identity and fetches a chosen few in the order asked, skipping unknown ids', async () => {
      const store = ctx.store();
      await seedIdentities(store, 5);
      expect((await store.listIdentities()).map((i) => i.id).sort()).toEqual(['id-1', 'id-2', 'id-3', 'id-4', 'id-5']);
      const some = await store.getIdentities(['id-4', 'id-404', 'id-2']);
      expect(some.map((i) => i.id)).toEqual(['id-4', 'id-2']);
      expect(await store.getIdentities([])).toEqual([]);
    });

    it('sees an updated mail under the new address only', async () => {
      const store = ctx.store();
      const [seeded] = await seedIdentities(store, 1);
      const moved = { ...seeded, attributes: { ...seeded.attributes, mail: 'new@example.com' } };
      await store.commit({ identities: [{ identity: moved, expectedRevision: 1 }] });
      expect(await store.findIdentitiesByMail('user1@example.com')).toEqual([]);
      expect((await store.getIdentity({ by: 'mail', value: 'NEW@example.com' }))?.revision).toBe(2);
    });
  });
}
