// Declared groups (`groups:` section) get a gidNumber once, with an audit record, and are never
// created twice or renumbered on a later start.
import { MemoryStore } from '../../src/storage/memory/memory-store';
import { ensureDeclaredGroups, DECLARED_GROUP_ORIGIN } from '../../src/services/policy/declared-groups';

const opts = { gidNumberStart: 20000, now: '2026-03-01T10:00:00.000Z', actor: { kind: 'system' as const, id: 'declared-groups' } };

it('creates the declared groups the store lacks, once, keeping existing ones as they are', async () => {
  const store = new MemoryStore();
  await store.commit({ groups: [{ name: 'eng', gidNumber: 20500, description: null, origin: 'department', createdAt: opts.now }] });
  const declared = [
    { name: 'all-staff', description: 'Everyone in a team', include: ['eng', 'sales'] },
    { name: 'ENG', include: ['platform'] },
  ];
  expect(await ensureDeclaredGroups(store, declared, opts)).toEqual(['all-staff']);
  const allStaff = await store.getGroup('all-staff');
  expect(allStaff).toMatchObject({ description: 'Everyone in a team', origin: DECLARED_GROUP_ORIGIN });
  expect(allStaff!.gidNumber).toBeGreaterThanOrEqual(20000);
  expect((await store.getGroup('eng'))!.gidNumber).toBe(20500);
  // a restart finds everything in place
  expect(await ensureDeclaredGroups(store, declared, opts)).toEqual([]);
  expect((await store.getGroup('all-staff'))!.gidNumber).toBe(allStaff!.gidNumber);
  const audit = await store.auditOfSubject('all-staff');
  expect(audit.filter((r) => r.action === 'group.create').map((r) => r.subject.id)).toEqual(['all-staff']);
});
