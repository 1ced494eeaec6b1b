import type { ChangeSet, IdentityStore } from '../../../src/ports/identity-store';
import { RevisionConflictError, UniqueViolationError } from '../../../src/ports/identity-store';
import {
  auditDraft,
  dispute,
  group,
  identity,
  insert,
  intent,
  run,
  seedIdentities,
  sourceRecord,
  targetAccount,
} from '../fixtures';
import type { SuiteContext } from '../identity-store';

/** A ChangeSet that writes one row of every kind, with `identities` supplied by the test. */
function everything(identities: ChangeSet['identities']): ChangeSet {
  return {
    sourceRecords: [sourceRecord('hr', 'E2', { identityId: 'id-2' })],
    identities,
    groups: [group('engineering')],
    intents: [intent('i-2', { identityId: 'id-2' })],
    disputes: [dispute('d-2')],
    runs: [run('run-2')],
    targetAccounts: [targetAccount('scim', 'id-2')],
    audit: [auditDraft('id-2', 'identity.create'), auditDraft('id-2', 'identity.update')],
  };
}

async function snapshot(store: IdentityStore) {
  return {
    head: await store.auditHead(),
    audit: await store.readAudit(1, 1000),
    changeSeq: await store.latestChangeSeq(),
    identities: await store.listIdentities(),
  };
}

async function expectNothingOfTheFailedCommit(store: IdentityStore, before: Awaited<ReturnType<typeof snapshot>>) {
  expect(await store.getSourceRecord('hr', 'E2')).toBeNull();
  expect(await store.getIdentity({ by: 'id', value: 'id-2' })).toBeNull();
  expect(await store.getGroup('engineering')).toBeNull();
  expect(await store.getIntent('i-2')).toBeNull();
  expect(await store.listDisputes(false)).toEqual([]);
  expect(await store.getRun('run-2')).toBeNull();
  expect(await store.getTargetAccount('scim', 'id-2')).toBeNull();
  expect(await snapshot(store)).toEqual(before);
  expect(await store.changesSince(before.changeSeq)).toEqual([]);
}

export function outboxCases(ctx: SuiteContext): void {
  describe('outbox commit', () => {
    it('writes identity, records, groups, intents, disputes, runs, accounts and audit together', async () => {
      const store = ctx.store();
      const res = await store.commit(everything([insert(identity(2))]));
      expect(res.revisions).toEqual({ 'id-2': 1 });
      expect(res.changeSeq).toBe(1);
      expect(res.audit.map((r) => r.seq)).toEqual([1, 2]);
      expect((await store.getSourceRecord('hr', 'E2'))?.identityId).toBe('id-2');
      expect((await store.getIdentity({ by: 'id', value: 'id-2' }))?.username).toBe('user2');
      expect(await store.getGroup('engineering')).toEqual(group('engineering'));
      expect(await store.getIntent('i-2')).toEqual(intent('i-2', { identityId: 'id-2' }));
      expect(await store.listDisputes(false)).toEqual([dispute('d-2')]);
      expect(await store.getRun('run-2')).toEqual(run('run-2'));
      expect(await store.getTargetAccount('scim', 'id-2')).toEqual(targetAccount('scim', 'id-2'));
      expect(await store.auditHead()).toEqual({ seq: 2, hash: res.audit[1].hash });
    });

    it('leaves nothing behind when an identity write conflicts', async () => {
      const store = ctx.store();
      await seedIdentities(store, 1);
      await store.commit({ audit: [auditDraft('id-1', 'identity.create')] });
      const before = await snapshot(store);
      const events: unknown[] = [];
      store.onChange((e) => events.push(e));
      // the valid insert comes first, so only a real rollback (not an up-front check) removes it
      const changes = everything([insert(identity(2)), { identity: identity(1), expectedRevision: 7 }]);
      await expect(store.commit(changes)).rejects.toBeInstanceOf(RevisionConflictError);
      await expectNothingOfTheFailedCommit(store, before);
      expect(events).toEqual([]);
    });

    it('leaves nothing behind when an identity write violates uniqueness', async () => {
      const store = ctx.store();
      await seedIdentities(store, 1);
      await store.commit({ audit: [auditDraft('id-1', 'identity.create')] });
      const before = await snapshot(store);
      const clash = identity(3, { username: 'USER1' });
      const err = await store.commit(everything([insert(identity(2)), insert(clash)])).catch((e) => e);
      expect(err).toBeInstanceOf(UniqueViolationError);
      expect(err.field).toBe('username');
      await expectNothingOfTheFailedCommit(store, before);
      expect(await store.getIdentity({ by: 'id', value: 'id-3' })).toBeNull();
    });

    it('continues the audit chain from the unchanged head after a failed commit', async () => {
      const store = ctx.store();
      const first = await store.commit({ audit: [auditDraft('id-1')] });
      await expect(
        store.commit({ identities: [{ identity: identity(5), expectedRevision: 2 }], audit: [auditDraft('id-5')] }),
      ).rejects.toBeInstanceOf(RevisionConflictError);
      const next = await store.commit({ audit: [auditDraft('id-1', 'identity.terminate')] });
      expect(next.audit[0].seq).toBe(2);
      expect(next.audit[0].prevHash).toBe(first.audit[0].hash);
    });

    it('upserts source records, intents, runs, disputes and target accounts by their keys', async () => {
      const store = ctx.store();
      await store.commit(everything([insert(identity(2))]));
      await store.commit({
        sourceRecords: [sourceRecord('hr', 'E2', { identityId: 'id-2', gone: true, hash: 'h2' })],
        intents: [intent('i-2', { identityId: 'id-2', status: 'done', attempts: 1 })],
        runs: [run('run-2', { status: 'held', reason: 'too many removals' })],
        disputes: [dispute('d-2', { resolvedAt: '2026-02-01T00:00:00.000Z' })],
        targetAccounts: [targetAccount('scim', 'id-2', { status: 'provisioned', externalId: 'ext-2' })],
      });
      expect(await store.getSourceRecord('hr', 'E2')).toMatchObject({ gone: true, hash: 'h2' });
      expect(await store.listSourceRecords('hr')).toHaveLength(1);
      expect(await store.getIntent('i-2')).toMatchObject({ status: 'done', attempts: 1 });
      expect(await store.getRun('run-2')).toMatchObject({ status: 'held', reason: 'too many removals' });
      expect(await store.listDisputes(true)).toEqual([]);
      expect(await store.listTargetAccounts('scim')).toEqual([
        targetAccount('scim', 'id-2', { status: 'provisioned', externalId: 'ext-2' }),
      ]);
    });
  });
}
