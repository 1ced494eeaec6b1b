// The light queries a large sync run uses instead of loading every identity and record in full.
import { identity, insert, sourceRecord } from '../fixtures';
import type { SuiteContext } from '../identity-store';

const TODAY = '2026-03-10';

export function lightQueryCases(ctx: SuiteContext): void {
  describe('light queries for large runs', () => {
    it('lists the hash, link and gone flag of every record of one source, and follows later writes', async () => {
      const store = ctx.store();
      await store.commit({
        sourceRecords: [
          sourceRecord('hr', 'E1', { identityId: 'id-1', hash: 'h1' }),
          sourceRecord('hr', 'E2', { hash: 'h2', gone: true }),
          sourceRecord('okta', '00u1', { identityId: 'id-1', hash: 'h3' }),
        ],
      });
      const digests = async () => (await store.sourceRecordHashes('hr')).sort((a, b) => a.externalId.localeCompare(b.externalId));
      expect(await digests()).toEqual([
        { externalId: 'E1', hash: 'h1', identityId: 'id-1', gone: false },
        { externalId: 'E2', hash: 'h2', identityId: null, gone: true },
      ]);
      await store.commit({ sourceRecords: [sourceRecord('hr', 'E1', { identityId: 'id-9', hash: 'h1b', gone: true })] });
      expect((await digests())[0]).toEqual({ externalId: 'E1', hash: 'h1b', identityId: 'id-9', gone: true });
      expect(await store.sourceRecordHashes('workday')).toEqual([]);
    });

    it('fetches chosen records of one source, skipping unknown ids and other sources', async () => {
      const store = ctx.store();
      await store.commit({ sourceRecords: [sourceRecord('hr', 'E1'), sourceRecord('hr', 'E2'), sourceRecord('okta', 'E3')] });
      const got = await store.getSourceRecords('hr', ['E2', 'E404', 'E3', 'E1', 'E2']);
      expect(got.map((r) => r.externalId).sort()).toEqual(['E1', 'E2']);
      expect(got.find((r) => r.externalId === 'E2')).toEqual(sourceRecord('hr', 'E2'));
      expect(await store.getSourceRecords('hr', [])).toEqual([]);
    });

    it('lists the keys of every identity, terminated ones included, with mail lower-cased', async () => {
      const store = ctx.store();
      await store.commit({
        identities: [
          insert(identity(1, { username: 'JSmith', attributes: { mail: 'J.Smith@Example.COM' } })),
          insert(identity(2, { state: 'terminated', employeeId: null, attributes: { mail: null } })),
        ],
      });
      const keys = (await store.identityKeys()).sort((a, b) => a.id.localeCompare(b.id));
      expect(keys).toEqual([
        { id: 'id-1', username: 'JSmith', employeeId: 'E1', mailLower: 'j.smith@example.com' },
        { id: 'id-2', username: 'user2', employeeId: null, mailLower: null },
      ]);
    });

    it('finds exactly the identities whose end date passed or whose start date came, and sees updates', async () => {
      const store = ctx.store();
      const dated = (n: number, state: 'prehire' | 'active' | 'suspended' | 'terminated', startDate: string | null, endDate: string | null) =>
        insert(identity(n, { state, attributes: { mail: `user${n}@example.com`, startDate, endDate } }));
      await store.commit({
        identities: [
          dated(1, 'active', '2020-01-01', '2026-03-09'), // ended yesterday: due
          dated(2, 'active', '2020-01-01', TODAY), // last day today: not yet
          dated(3, 'suspended', '2020-01-01', '2025-12-31'), // due
          dated(4, 'terminated', '2020-01-01', '2025-12-31'), // already terminated
          dated(5, 'prehire', TODAY, null), // starts today: due
          dated(6, 'prehire', '2026-03-11', null), // starts tomorrow
          dated(7, 'prehire', null, null), // no start date: due
          dated(8, 'active', '2020-01-01', null),
          dated(9, 'active', '2026-04-01', null), // future start but already active: the calendar moves nothing
        ],
      });
      const due = async () => (await store.identitiesWithDateTransitionsDue(TODAY)).map((i) => i.id).sort();
      expect(await due()).toEqual(['id-1', 'id-3', 'id-5', 'id-7']);
      const [first] = await store.getIdentities(['id-1']);
      expect((await store.identitiesWithDateTransitionsDue(TODAY)).find((i) => i.id === 'id-1')).toEqual(first);
      await store.commit({ identities: [{ identity: { ...first, state: 'terminated' }, expectedRevision: 1 }] });
      expect(await due()).toEqual(['id-3', 'id-5', 'id-7']);
      expect((await store.identitiesWithDateTransitionsDue('2026-03-11')).map((i) => i.id).sort()).toEqual(['id-2', 'id-3', 'id-5', 'id-6', 'id-7']);
    });
  });
}
