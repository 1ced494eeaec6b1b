import type { Attributes } from '../../domain/types';
import type { CLIENT_EXTERNAL_ID, USER_NAME } from './users';

/** One stored User or Group of a SCIM source, as the endpoint serves it. */
export interface StoredResource {
  id: string;
  attributes: Attributes;
  /** content hash of the attributes: the ETag */
  hash: string;
  created: string;
  lastModified: string;
}

export type ResourceKind = 'User' | 'Group';

/** stored attributes the backend finds through an index: the userName and the client's externalId */
export type IndexedAttribute = typeof USER_NAME | typeof CLIENT_EXTERNAL_ID;

/**
 * What the SCIM endpoint needs of the rest of idsync, for one source. A write resolves only once
 * the change is committed (identity, intents, audit) and visible to LDAP binds: the endpoint
 * answers 2xx after it, so a 2xx means durable.
 */
export interface ScimBackend {
  /** every live (not deleted) resource of the kind */
  list(kind: ResourceKind): Promise<StoredResource[]>;
  get(kind: ResourceKind, id: string): Promise<StoredResource | null>;
  /**
   * the live resources whose stored `attribute` equals `value` compared lower-cased, found through
   * an index rather than a listing, so a request costs the same with ten people or a hundred thousand
   */
  find(kind: ResourceKind, attribute: IndexedAttribute, value: string): Promise<StoredResource[]>;
  /** attributes null deletes (a User deletion terminates the person) */
  write(kind: ResourceKind, id: string, attributes: Attributes | null, correlationId: string): Promise<void>;
}

/** A write the sync engine refused because of the data (a field it cannot normalise): a 400, not a 500. */
export class RejectedRecordError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RejectedRecordError';
  }
}
