// The filters answered through an index instead of a scan of every resource: `eq` on id, userName
// or externalId with a string, alone or as one side of an `and` (what Entra, Okta and OneLogin send
// before each write). The candidates still pass through the whole filter, so an index comparing
// lower-cased values only narrows, never widens, the answer. Any other filter scans.
import type { IndexedAttribute, ResourceKind, ScimBackend, StoredResource } from './backend';
import type { Filter } from './filter';
import { CLIENT_EXTERNAL_ID, USER_NAME } from './users';

type Key = { by: 'id'; value: string } | { by: IndexedAttribute; value: string };

const INDEXED: Record<ResourceKind, Record<string, IndexedAttribute>> = {
  User: { username: USER_NAME, externalid: CLIENT_EXTERNAL_ID },
  // a group's displayName is not indexed: groups are few beside people, their filters scan
  Group: { externalid: CLIENT_EXTERNAL_ID },
};

/** The resources that may match `filter`, from an index; null when the filter needs a scan. */
export async function indexedCandidates(kind: ResourceKind, filter: Filter, backend: ScimBackend): Promise<StoredResource[] | null> {
  const key = indexKey(kind, filter);
  if (!key) return null;
  if (key.by === 'id') {
    const r = await backend.get(kind, key.value);
    return r ? [r] : [];
  }
  return backend.find(kind, key.by, key.value);
}

function indexKey(kind: ResourceKind, filter: Filter): Key | null {
  if (filter.op === 'and') return indexKey(kind, filter.left) ?? indexKey(kind, filter.right);
  if (filter.op !== 'eq' || typeof filter.value !== 'string' || filter.path.schema || filter.path.sub) return null;
  const name = filter.path.name.toLowerCase();
  if (name === 'id') return { by: 'id', value: filter.value };
  const attribute = INDEXED[kind][name];
  return attribute ? { by: attribute, value: filter.value } : null;
}
