import { at, dispute, group, intent, run, sourceRecord, targetAccount } from '../fixtures';
import type { SuiteContext } from '../identity-store';

const ids = (rows: { id: string }[]) => rows.map((r) => r.id);

export function recordQueryCases(ctx: SuiteContext): void {
  describe('record queries', () => {
    it('lists source records per source and per identity', async () => {
      const store = ctx.store();
      await store.commit({
        sourceRecords: [
          sourceRecord('hr', 'E1', { identityId: 'id-1' }),
          sourceRecord('hr', 'E2', { identityId: 'id-2' }),
          sourceRecord('okta', '00u1', { identityId: 'id-1' }),
          sourceRecord('okta', '00u2'),
        ],
      });
      expect((await store.listSourceRecords('hr')).map((r) => r.externalId).sort()).toEqual(['E1', 'E2']);
      expect((await store.listSourceRecords('okta')).map((r) => r.externalId).sort()).toEqual(['00u1', '00u2']);
      expect(await store.listSourceRecords('workday')).toEqual([]);
      const ofOne = await store.sourceRecordsOf('id-1');
      expect(ofOne.map((r) => `${r.source}/${r.externalId}`).sort()).toEqual(['hr/E1', 'okta/00u1']);
      expect(await store.getSourceRecord('okta', '00u2')).toEqual(sourceRecord('okta', '00u2'));
      expect(await store.getSourceRecord('okta', 'E1')).toBeNull();
    });

    it('moves a source record to another identity when relinked', async () => {
      const store = ctx.store();
      await store.commit({ sourceRecords: [sourceRecord('hr', 'E1', { identityId: 'id-1' })] });
      await store.commit({ sourceRecords: [sourceRecord('hr', 'E1', { identityId: 'id-9' })] });
      expect(await store.sourceRecordsOf('id-1')).toEqual([]);
      expect(await store.sourceRecordsOf('id-9')).toHaveLength(1);
    });

    it('inserts a group only when absent and leaves an existing one as it is', async () => {
      const store = ctx.store();
      await store.commit({ groups: [group('sales', { description: 'first' }), group('staff')] });
      const second = await store.commit({ groups: [group('sales', { description: 'second', gidNumber: 1 })] });
      expect(second.changeSeq).toBeNull();
      expect(await store.getGroup('sales')).toEqual(group('sales', { description: 'first' }));
      expect((await store.listGroups()).map((g) => g.name).sort()).toEqual(['sales', 'staff']);
      expect(await store.getGroup('nope')).toBeNull();
    });

    it('filters intents and orders them by priority, then age', async () => {
      const store = ctx.store();
      await store.commit({
        intents: [
          intent('late-low', { priority: 5, createdAt: at(3), updatedAt: at(3) }),
          intent('early-low', { priority: 5, createdAt: at(1), updatedAt: at(1) }),
          intent('revoke', { priority: 1, createdAt: at(4), updatedAt: at(4), identityId: 'id-2' }),
          intent('done', { status: 'done', createdAt: at(0), updatedAt: at(0) }),
          intent('ldap', { target: 'ldap', priority: 2, createdAt: at(2), updatedAt: at(2), status: 'failed' }),
        ],
      });
      expect(ids(await store.listIntents({}))).toEqual(['revoke', 'ldap', 'done', 'early-low', 'late-low']);
      expect(ids(await store.listIntents({ status: ['pending'] }))).toEqual(['revoke', 'early-low', 'late-low']);
      expect(ids(await store.listIntents({ status: ['pending', 'failed'], limit: 2 }))).toEqual(['revoke', 'ldap']);
      expect(ids(await store.listIntents({ target: 'ldap' }))).toEqual(['ldap']);
      expect(ids(await store.listIntents({ identityId: 'id-2' }))).toEqual(['revoke']);
      expect(ids(await store.listIntents({ updatedBefore: at(2) }))).toEqual(['done', 'early-low']);
      expect(ids(await store.listIntents({ status: ['held'] }))).toEqual([]);
      expect(ids(await store.listIntents({ status: [] }))).toEqual([]);
      expect(await store.getIntent('nope')).toBeNull();
    });

    it('keeps target accounts per target and identity', async () => {
      const store = ctx.store();
      await store.commit({
        targetAccounts: [
          targetAccount('scim', 'id-1'),
          targetAccount('scim', 'id-2', { status: 'provisioned', externalId: 'x2' }),
          targetAccount('ldap', 'id-1', { status: 'disabled' }),
        ],
      });
      expect((await store.listTargetAccounts('scim')).map((a) => a.identityId).sort()).toEqual(['id-1', 'id-2']);
      expect(await store.getTargetAccount('ldap', 'id-1')).toEqual(targetAccount('ldap', 'id-1', { status: 'disabled' }));
      expect(await store.getTargetAccount('ldap', 'id-2')).toBeNull();
      expect(await store.listTargetAccounts('okta')).toEqual([]);
    });

    it('lists runs newest first, filtered by source and status, limited', async () => {
      const store = ctx.store();
      await store.commit({
        runs: [
          run('r1', { startedAt: at(1) }),
          run('r3', { startedAt: at(3), status: 'held', reason: 'too many removals' }),
          run('r2', { startedAt: at(2), source: 'okta' }),
          run('r4', { startedAt: at(4), status: 'incomplete' }),
        ],
      });
      expect(ids(await store.listRuns({}))).toEqual(['r4', 'r3', 'r2', 'r1']);
      expect(ids(await store.listRuns({ source: 'hr' }))).toEqual(['r4', 'r3', 'r1']);
      expect(ids(await store.listRuns({ status: ['held', 'applied'] }))).toEqual(['r3', 'r2', 'r1']);
      expect(ids(await store.listRuns({ source: 'hr', limit: 2 }))).toEqual(['r4', 'r3']);
      expect(await store.getRun('r3')).toEqual(run('r3', { startedAt: at(3), status: 'held', reason: 'too many removals' }));
    });

    it('lists open disputes only when asked for open ones', async () => {
      const store = ctx.store();
      await store.commit({ disputes: [dispute('d1'), dispute('d2', { resolvedAt: at(5) }), dispute('d3')] });
      expect(ids(await store.listDisputes(true)).sort()).toEqual(['d1', 'd3']);
      expect(ids(await store.listDisputes(false)).sort()).toEqual(['d1', 'd2', 'd3']);
    });
  });
}
