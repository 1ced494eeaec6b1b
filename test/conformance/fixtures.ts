// Builders for the conformance suite: small, valid domain objects whose fields tests override.
import type {
  AuditDraft,
  Dispute,
  Group,
  Identity,
  Intent,
  SourceRecord,
  SyncRun,
  TargetAccount,
} from '../../src/domain/types';
import type { IdentityStore, IdentityWrite } from '../../src/ports/identity-store';

export const T0 = '2026-01-15T09:00:00.000Z';

/** ISO time `minutes` after T0, so ordering tests have distinct, sortable timestamps. */
export const at = (minutes: number): string => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

export function identity(n: number, over: Partial<Identity> = {}): Identity {
  return {
    id: `id-${n}`,
    revision: 0,
    username: `user${n}`,
    uidNumber: 10_000 + n,
    employeeId: `E${n}`,
    state: 'active',
    stateChangedAt: T0,
    attributes: { givenName: `Given${n}`, sn: `Family${n}`, mail: `user${n}@example.com`, counter: '0' },
    provenance: { mail: { source: 'hr', externalId: `E${n}`, rule: 'precedence:hr' } },
    links: [{ source: 'hr', externalId: `E${n}` }],
    entitlements: [{ kind: 'group', name: 'staff', rule: 'default' }],
    createdAt: T0,
    updatedAt: T0,
    ...over,
  };
}

export const insert = (i: Identity): IdentityWrite => ({ identity: i, expectedRevision: null });

export function sourceRecord(source: string, externalId: string, over: Partial<SourceRecord> = {}): SourceRecord {
  return {
    source,
    externalId,
    attributes: { employeeId: externalId, givenName: 'Ann', sn: 'Lee', mail: `${externalId}@example.com` },
    hash: `hash-${source}-${externalId}`,
    identityId: null,
    firstSeenAt: T0,
    lastSeenAt: T0,
    lastSeenRunId: 'run-1',
    gone: false,
    ...over,
  };
}

export function group(name: string, over: Partial<Group> = {}): Group {
  return { name, gidNumber: 20_000 + name.length, description: null, origin: 'department', createdAt: T0, ...over };
}

export function intent(id: string, over: Partial<Intent> = {}): Intent {
  return {
    id,
    target: 'scim',
    identityId: 'id-1',
    priority: 5,
    reason: 'identity.update',
    correlationId: `corr-${id}`,
    status: 'pending',
    createdAt: T0,
    updatedAt: T0,
    attempts: 0,
    lastError: null,
    ...over,
  };
}

export function targetAccount(target: string, identityId: string, over: Partial<TargetAccount> = {}): TargetAccount {
  return {
    target,
    identityId,
    externalId: null,
    desiredHash: 'd1',
    appliedHash: null,
    status: 'pending',
    attempts: 0,
    lastError: null,
    updatedAt: T0,
    ...over,
  };
}

export function run(id: string, over: Partial<SyncRun> = {}): SyncRun {
  return {
    id,
    source: 'hr',
    status: 'applied',
    startedAt: T0,
    finishedAt: null,
    counts: { seen: 1, created: 1, updated: 0, unchanged: 0, terminated: 0, suspended: 0, reactivated: 0, disputed: 0, errors: 0, writes: 1 },
    reason: null,
    watermark: null,
    staged: null,
    ...over,
  };
}

export function dispute(id: string, over: Partial<Dispute> = {}): Dispute {
  return { id, source: 'hr', externalId: `X-${id}`, candidates: ['id-1', 'id-2'], rule: 'mail', openedAt: T0, resolvedAt: null, ...over };
}

export function auditDraft(subjectId: string, action = 'identity.update', over: Partial<AuditDraft> = {}): AuditDraft {
  return {
    time: T0,
    actor: { kind: 'system', id: 'conformance' },
    action,
    subject: { kind: 'identity', id: subjectId, username: null },
    before: { counter: '0' },
    after: { counter: '1' },
    correlationId: `corr-${subjectId}`,
    ...over,
  };
}

/** Increments the `counter` attribute: a lost update shows as a counter short of the number of writers. */
export function incrementCounter(current: Identity): Identity {
  const next = Number(current.attributes.counter ?? '0') + 1;
  return { ...current, attributes: { ...current.attributes, counter: String(next) } };
}

/** Seeds `count` identities id-1..id-count in one commit and returns them as stored. */
export async function seedIdentities(store: IdentityStore, count: number): Promise<Identity[]> {
  const list = Array.from({ length: count }, (_, k) => identity(k + 1));
  await store.commit({ identities: list.map(insert) });
  return list.map((i) => ({ ...i, revision: 1 }));
}
