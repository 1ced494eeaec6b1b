// The eq filters a provisioning client sends before each write, and the userName uniqueness check,
// are answered through the backend's index: a backend whose listing throws still answers them.
// Other filters list every resource, which the same backend makes visible.
import type { Attributes } from '../../src/domain/types';
import type { IndexedAttribute, ResourceKind, ScimBackend, StoredResource } from '../../src/inbound/scim/backend';
import { createResource, listResources, type ScimCall } from '../../src/inbound/scim/resources';
import { CORE_USER } from '../../src/inbound/scim/paths';

function backendWith(users: Array<{ id: string; attributes: Attributes }>) {
  const stored: StoredResource[] = users.map((u, i) => ({ ...u, hash: `h${i}`.padEnd(20, '0'), created: `2026-01-0${i + 1}T00:00:00Z`, lastModified: '2026-01-01T00:00:00Z' }));
  const calls: string[] = [];
  const backend: ScimBackend = {
    async list() {
      calls.push('list');
      throw new Error('listed every resource');
    },
    async get(_kind: ResourceKind, id: string) {
      calls.push(`get ${id}`);
      return stored.find((r) => r.id === id) ?? null;
    },
    async find(_kind: ResourceKind, attribute: IndexedAttribute, value: string) {
      calls.push(`find ${attribute}=${value}`);
      return stored.filter((r) => r.attributes[attribute]?.toLowerCase() === value.toLowerCase());
    },
    async write() {
      calls.push('write');
    },
  };
  return { backend, calls, call: { backend, base: 'https://idsync.test/scim/v2/hr', correlationId: 'c1' } satisfies ScimCall };
}

const ann = { id: 'u1', attributes: { login: 'Ann@Example.com', scimExternalId: 'EXT-1', status: 'active' } };
const bob = { id: 'u2', attributes: { login: 'bob@example.com', scimExternalId: 'ext-1', status: 'active' } };
const ids = (body: Record<string, unknown> | undefined) => (body!.Resources as Array<{ id: string }>).map((r) => r.id);

describe('SCIM lookups through the index', () => {
  it('answers userName, externalId and id eq (and an "and" holding one) without listing', async () => {
    const { call, calls } = backendWith([ann, bob]);
    expect(ids((await listResources('User', call, { filter: 'userName eq "ann@example.COM"' })).body)).toEqual(['u1']);
    expect(ids((await listResources('User', call, { filter: 'externalId eq "ext-1"' })).body)).toEqual(['u2']);
    expect(ids((await listResources('User', call, { filter: 'id eq "u2"' })).body)).toEqual(['u2']);
    expect(ids((await listResources('User', call, { filter: 'active eq true and userName eq "BOB@example.com"' })).body)).toEqual(['u2']);
    expect(calls).toEqual(['find login=ann@example.COM', 'find scimExternalId=ext-1', 'get u2', 'find login=BOB@example.com']);
  });

  it('checks userName uniqueness through the index', async () => {
    const { call, calls } = backendWith([ann]);
    const body = { schemas: [CORE_USER], userName: 'ANN@example.com' };
    await expect(createResource('User', call, body)).rejects.toMatchObject({ status: 409, scimType: 'uniqueness' });
    expect(calls).toEqual(['find login=ann@example.com']);
  });

  it('scans for any other filter', async () => {
    const { call, calls } = backendWith([ann]);
    await expect(listResources('User', call, { filter: 'userName sw "ann"' })).rejects.toThrow('listed every resource');
    await expect(listResources('User', call, { filter: 'userName eq "a" or userName eq "b"' })).rejects.toThrow('listed every resource');
    expect(calls).toEqual(['list', 'list']);
  });
});
