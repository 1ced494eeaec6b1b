// The userName uniqueness check of inbound SCIM writes: a write that changes the unique value is
// checked against the others; one that keeps it (a deactivation, Okta's PUT of the same user)
// is not, so it neither reads the whole source nor fails over a clash it does not create.
import { patchResource, replaceResource, type ScimCall } from '../../src/inbound/scim/resources';
import type { IndexedAttribute, ResourceKind, ScimBackend, StoredResource } from '../../src/inbound/scim/backend';
import type { Attributes } from '../../src/domain/types';
import { ScimError } from '../../src/inbound/scim/errors';

class MemoryBackend implements ScimBackend {
  readonly users = new Map<string, StoredResource>();
  lists = 0;
  writes: { id: string; attributes: Attributes | null }[] = [];

  put(id: string, attributes: Attributes): void {
    this.users.set(id, { id, attributes, hash: `h-${id}-${this.writes.length}`, created: '2026-01-01T00:00:00.000Z', lastModified: '2026-01-01T00:00:00.000Z' });
  }

  async list(kind: ResourceKind): Promise<StoredResource[]> {
    this.lists++;
    return kind === 'User' ? [...this.users.values()] : [];
  }

  /** the indexed lookup, counted with the listings: both are reads the check makes */
  async find(kind: ResourceKind, _attribute: IndexedAttribute, value: string): Promise<StoredResource[]> {
    this.lists++;
    return kind === 'User' ? [...this.users.values()].filter((r) => r.attributes.login?.toLowerCase() === value.toLowerCase()) : [];
  }

  async get(kind: ResourceKind, id: string): Promise<StoredResource | null> {
    return kind === 'User' ? (this.users.get(id) ?? null) : null;
  }

  async write(_kind: ResourceKind, id: string, attributes: Attributes | null): Promise<void> {
    this.writes.push({ id, attributes });
    if (attributes) this.put(id, attributes);
    else this.users.delete(id);
  }
}

const DEACTIVATE = { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] };
const user = (userName: string) => ({ login: userName, givenName: 'Ada', sn: 'Lovelace', status: 'active' });

function setup() {
  const backend = new MemoryBackend();
  // two resources whose userNames clash case-insensitively, as two creates racing each other leave them
  backend.put('u1', user('ada@example.com'));
  backend.put('u2', user('ADA@example.com'));
  backend.put('u3', user('grace@example.com'));
  const call: ScimCall = { backend, base: 'https://idsync.test/scim/v2/entra', correlationId: 'c-1' };
  return { backend, call };
}

describe('inbound SCIM uniqueness on writes that keep the userName', () => {
  it('deactivates with a PATCH without listing the source, even when an earlier clash exists', async () => {
    const { backend, call } = setup();
    const res = await patchResource('User', call, 'u1', DEACTIVATE, undefined);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ active: false, userName: 'ada@example.com' });
    expect(backend.writes).toEqual([{ id: 'u1', attributes: expect.objectContaining({ status: 'terminated' }) }]);
    expect(backend.lists).toBe(0);
  });

  it('accepts a PUT of the same userName in another case without a check', async () => {
    const { backend, call } = setup();
    const body = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'Grace@Example.com', active: false, name: { givenName: 'Grace', familyName: 'Hopper' } };
    const res = await replaceResource('User', call, 'u3', body, undefined);
    expect(res.status).toBe(200);
    expect(backend.writes.map((w) => w.id)).toEqual(['u3']);
    expect(backend.lists).toBe(0);
  });

  it('still refuses a PATCH that renames the user onto a taken userName, and writes nothing', async () => {
    const { backend, call } = setup();
    const rename = { schemas: DEACTIVATE.schemas, Operations: [{ op: 'Replace', path: 'userName', value: 'Ada@Example.com' }] };
    await expect(patchResource('User', call, 'u3', rename, undefined)).rejects.toMatchObject({ status: 409, scimType: 'uniqueness' });
    await expect(patchResource('User', call, 'u3', rename, undefined)).rejects.toBeInstanceOf(ScimError);
    expect(backend.writes).toEqual([]);
    expect(backend.lists).toBe(2);
  });
});
