import type { Attributes, Identity, LifecycleState } from '../../src/domain/types';

let next = 1;

export function person(attrs: Attributes = {}, state: LifecycleState = 'active', over: Partial<Identity> = {}): Identity {
  const n = next++;
  return {
    id: `id-${n}`,
    revision: 1,
    username: `user${n}`,
    uidNumber: 10000 + n,
    employeeId: `E${n}`,
    state,
    stateChangedAt: '2026-01-01T00:00:00Z',
    attributes: { givenName: 'Ada', sn: 'Lovelace', mail: `user${n}@example.com`, ...attrs },
    provenance: {},
    links: [],
    entitlements: [],
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    ...over,
  };
}
