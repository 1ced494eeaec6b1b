import { randomUUID } from 'node:crypto';
import type { AuditDraft, Identity } from '../../src/domain/types';
import { MemoryStore } from '../../src/storage/memory/memory-store';
import { auditPage, personView } from '../../src/services/helpdesk/person-page';

const T0 = '2026-11-01T09:00:00.000Z';

function ada(): Identity {
  return {
    id: randomUUID(),
    revision: 0,
    username: 'alovelace',
    uidNumber: 10001,
    employeeId: 'E100',
    state: 'active',
    stateChangedAt: T0,
    attributes: { givenName: 'Ada', sn: 'Lovelace', mail: 'ada@example.com', title: 'Lead' },
    provenance: {
      givenName: { source: 'hr', externalId: '100', rule: 'precedence:hr' },
      title: { source: 'hr', externalId: '100', rule: 'attributePrecedence.title:hr' },
      mail: { source: 'okta', externalId: '00u1', rule: 'precedence:okta' },
    },
    links: [{ source: 'hr', externalId: '100' }],
    entitlements: [
      { kind: 'group', name: 'eng', rule: 'role:engineers' },
      { kind: 'account', name: 'wiki', values: ['editors'], rule: 'role:wiki-editors' },
    ],
    createdAt: T0,
    updatedAt: T0,
  };
}

function audit(i: Identity, action: string, time: string, before: unknown, after: unknown, actor: AuditDraft['actor'] = { kind: 'source-run', id: 'run1', source: 'hr' }): AuditDraft {
  return { time, actor, action, subject: { kind: 'identity', id: i.id, username: i.username }, before, after, correlationId: `c-${action}-${time}` };
}

describe('person page data', () => {
  let store: MemoryStore;
  let person: Identity;
  beforeAll(async () => {
    store = new MemoryStore();
    person = ada();
    await store.commit({
      identities: [{ identity: person, expectedRevision: null }],
      audit: [
        audit(person, 'identity.create', T0, null, { username: person.username, state: 'prehire' }),
        audit(person, 'identity.activate', '2026-11-02T00:00:00.000Z', { state: 'prehire' }, { state: 'active' }),
        audit(person, 'identity.update', '2026-11-03T00:00:00.000Z', { attributes: { title: 'Engineer' } }, { attributes: { title: 'Lead' } }, { kind: 'helpdesk', id: 'hana' }),
        audit(person, 'target.update', '2026-11-03T00:00:05.000Z', null, { target: 'wiki', changes: [{ attribute: 'title', from: 'Engineer', to: 'Lead' }] }, { kind: 'worker', id: 'worker:wiki', target: 'wiki' }),
      ],
      targetAccounts: [
        { target: 'wiki', identityId: person.id, externalId: 'w-1', desiredHash: 'a', appliedHash: 'a', status: 'provisioned', attempts: 0, lastError: null, updatedAt: '2026-11-03T00:00:05.000Z' },
        { target: 'gitea', identityId: person.id, externalId: null, desiredHash: 'b', appliedHash: null, status: 'failed', attempts: 3, lastError: 'HTTP 400: bad email', updatedAt: '2026-11-03T00:01:00.000Z' },
      ],
      intents: [
        { id: randomUUID(), target: 'gitea', identityId: person.id, priority: 5, reason: 'update', correlationId: 'c1', status: 'failed', createdAt: T0, updatedAt: '2026-11-03T00:01:00.000Z', attempts: 3, lastError: 'HTTP 400: bad email' },
      ],
      groups: [{ name: 'hr-staff', gidNumber: 5001, description: null, origin: 'source:hr', createdAt: T0, members: [person.id] }],
    });
  });

  it('gives every attribute with its value, source and rule', async () => {
    const view = (await personView(store, ['wiki', 'gitea', 'ldap'], 'alovelace'))!;
    expect(view.attributes).toEqual([
      { name: 'givenName', value: 'Ada', source: 'hr', externalId: '100', rule: 'precedence:hr' },
      { name: 'mail', value: 'ada@example.com', source: 'okta', externalId: '00u1', rule: 'precedence:okta' },
      { name: 'sn', value: 'Lovelace', source: null, externalId: null, rule: null },
      { name: 'title', value: 'Lead', source: 'hr', externalId: '100', rule: 'attributePrecedence.title:hr' },
    ]);
    expect(view.entitlements.map((e) => `${e.name}<-${e.rule}`)).toEqual(['eng<-role:engineers', 'wiki<-role:wiki-editors']);
    expect(view.sourceGroups).toEqual([{ name: 'hr-staff', origin: 'source:hr', direct: true }]);
    expect(view).toMatchObject({ displayName: 'Ada Lovelace', state: 'active', employeeId: 'E100', mail: 'ada@example.com' });
  });

  it('gives the state history with time and actor, from the audit trail', async () => {
    const view = (await personView(store, [], 'alovelace'))!;
    expect(view.stateHistory).toEqual([
      { time: T0, from: null, to: 'prehire', action: 'identity.create', actor: 'source hr' },
      { time: '2026-11-02T00:00:00.000Z', from: 'prehire', to: 'active', action: 'identity.activate', actor: 'source hr' },
    ]);
  });

  it('gives each target account its status, last applied change and last error', async () => {
    const view = (await personView(store, ['wiki', 'gitea', 'ldap'], 'alovelace'))!;
    expect(view.accounts).toEqual([
      expect.objectContaining({ target: 'wiki', status: 'provisioned', lastError: null, waiting: { pending: 0, failed: 0 }, lastChange: expect.objectContaining({ lines: ['~ update wiki alovelace', '~ title: Engineer -> Lead'] }) }),
      expect.objectContaining({ target: 'gitea', status: 'failed', lastError: 'HTTP 400: bad email', waiting: { pending: 0, failed: 1 }, lastChange: null }),
      expect.objectContaining({ target: 'ldap', status: 'none', lastError: null, lastChange: null }),
    ]);
  });

  it('pages the audit trail newest first, 25 a page', async () => {
    const more = Array.from({ length: 26 }, (_, k) => audit(person, 'identity.update', `2026-11-10T00:00:${String(k).padStart(2, '0')}.000Z`, { attributes: { title: `T${k}` } }, { attributes: { title: `T${k + 1}` } }));
    await store.commit({ audit: more });
    const first = (await auditPage(store, 'alovelace', 1))!;
    expect(first).toMatchObject({ page: 1, pages: 2, total: 30 });
    expect(first.records).toHaveLength(25);
    expect(first.records[0]).toMatchObject({ time: '2026-11-10T00:00:25.000Z', action: 'identity.update', summary: 'title: T25 -> T26', actor: 'source hr' });
    const second = (await auditPage(store, 'alovelace', 2))!;
    expect(second.records.map((r) => r.action)).toEqual(['identity.update', 'target.update', 'identity.update', 'identity.activate', 'identity.create']);
    expect(second.records.slice(1, 4).map((r) => `${r.actor}: ${r.summary}`)).toEqual([
      'worker for wiki: ~ update wiki alovelace; ~ title: Engineer -> Lead',
      'helpdesk hana: title: Engineer -> Lead',
      'source hr: state: prehire -> active',
    ]);
    expect((await auditPage(store, 'alovelace', 99))!.page).toBe(2);
    expect(await auditPage(store, 'nobody', 1)).toBeNull();
  });
});
