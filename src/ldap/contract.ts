// The seam between the directory model (view, indexes, filter evaluation: src/ldap/view, src/ldap/filter)
// and the protocol server (PDU framing, guard, operations, binds: src/ldap/server). Neither side imports the
// other's internals; both import this file.
import type { LifecycleState } from '../domain/types';
import type { PersonStanding } from '../domain/people/standing';

/** idsync's own filter algebra; LDAP filters compile into it (lldap's UserRequestFilter idea). */
export type DirFilter =
  | { type: 'and'; filters: DirFilter[] }
  | { type: 'or'; filters: DirFilter[] }
  | { type: 'not'; filter: DirFilter }
  | { type: 'eq'; attr: string; value: string }
  | { type: 'present'; attr: string }
  | { type: 'sub'; attr: string; initial: string | null; any: string[]; final: string | null }
  | { type: 'ge'; attr: string; value: string }
  | { type: 'le'; attr: string; value: string }
  | { type: 'approx'; attr: string; value: string }
  | { type: 'ext'; attr: string | null; rule: string | null; value: string; dnAttributes: boolean }
  | { type: 'true' }
  | { type: 'false' };

export type Scope = 'base' | 'one' | 'sub';

/**
 * A rendered directory entry. Attribute names keep their schema spelling (`memberOf`); lookups go
 * through `attrs`, keyed by lower-cased name. Operational attributes are flagged so `*` leaves them out.
 */
export interface LdapEntry {
  dn: string;
  /** normalised DN: lower-cased, no spaces around separators; the key for every DN comparison */
  ndn: string;
  attrs: Map<string, { name: string; values: string[]; operational: boolean }>;
}

export interface SearchQuery {
  base: string;
  scope: Scope;
  filter: DirFilter;
}

/**
 * The answer to an attribute value assertion on one entry (the Compare operation, RFC 4511 4.10):
 * the entry holds a matching value, holds the attribute without one, or cannot be asked.
 */
export type AssertionOutcome =
  | 'true'
  | 'false'
  | 'noSuchObject'
  | 'invalidDNSyntax'
  | 'noSuchAttribute'
  | 'undefinedAttributeType'
  | 'inappropriateMatching'
  | 'invalidAttributeSyntax';

/** Who a bind DN belongs to, if anyone. The server checks passwords; the snapshot only knows who. */
export type BindSubject =
  | { kind: 'service'; name: string; dn: string }
  | { kind: 'person'; identityId: string; username: string; state: LifecycleState; dn: string; groups: string[] };

export type { PersonStanding };

/** A compiled attribute list of a search request (RFC 4511 4.5.1.8). */
export interface AttributeSelection {
  /** `*` or an empty list */
  allUser: boolean;
  /** `+` */
  allOperational: boolean;
  /** lower-cased schema names asked for by name, alias or OID */
  wanted: ReadonlySet<string>;
  /** `1.1` alone: no attributes */
  none: boolean;
  typesOnly: boolean;
}

/** Entries of a search that the snapshot encodes itself, straight from its records to BER. */
export interface EncodedSearch<T = unknown> {
  entries: Iterable<T>;
  /** the complete LDAPMessage { messageId, SearchResultEntry } with the selected attributes */
  encode(entry: T, messageId: number): Buffer;
  /**
   * The SearchResultEntry protocolOp alone, which the server frames itself (many entries into one
   * write). It may be shared with other searches: read-only.
   */
  body?(entry: T): Buffer;
}

/** Yielded by a sliced search between candidates, matching or not, so a long scan can pause there. */
export const SEARCH_CHECKPOINT: unique symbol = Symbol('search checkpoint');
export type SearchCheckpoint = typeof SEARCH_CHECKPOINT;

/** searchEncoded whose entries are interleaved with checkpoints (see DirectorySnapshot.searchSliced). */
export interface SlicedSearch<T = unknown> {
  entries: Iterable<T | SearchCheckpoint>;
  encode(entry: T, messageId: number): Buffer;
  /** as EncodedSearch.body */
  body?(entry: T): Buffer;
}

/** An immutable view of the whole directory at one moment. Searches never see half a change. */
export interface DirectorySnapshot {
  readonly version: number;
  readonly baseDN: string;
  readonly entryCount: number;
  /** null when the base object does not exist (the server answers noSuchObject, 32) */
  search(query: SearchQuery): Iterable<LdapEntry> | null;
  entry(dn: string): LdapEntry | undefined;
  /**
   * Optional fast path of search(): the same entries in the same order, encoded with only the
   * selected attributes, without rendering whole entries first. null when the base does not exist.
   */
  searchEncoded?(query: SearchQuery, selection: AttributeSelection): EncodedSearch | null;
  /**
   * searchEncoded that yields SEARCH_CHECKPOINT after every `checkpointEvery` candidates examined,
   * so the server can give other connections a turn during a scan that matches little or nothing.
   */
  searchSliced?(query: SearchQuery, selection: AttributeSelection, checkpointEvery: number): SlicedSearch | null;
  bindSubject(dn: string): BindSubject | undefined;
  /** the person with this username (case-insensitive), if the directory serves them */
  personStanding?(username: string): PersonStanding | undefined;
  /** Does the entry at `dn` hold `value` for `attributeDesc`, by the attribute's equality rule? */
  compare(dn: string, attributeDesc: string, value: string): AssertionOutcome;
  /** subschema entry (cn=Subschema) with attributeTypes and objectClasses */
  subschema(): LdapEntry;
}

export interface DirectoryView {
  current(): DirectorySnapshot;
  /** resolves after the first snapshot is built */
  start(): Promise<void>;
  close(): Promise<void>;
  /** notified after each swap; used to drop sessions of people who may no longer bind */
  onSwap(listener: (snapshot: DirectorySnapshot) => void): () => void;
}

/** Attribute selection per RFC 4511 4.5.1.8: `*`, `+`, `1.1`, names, case-insensitively. */
export type SelectAttributes = (entry: LdapEntry, requested: string[], typesOnly: boolean) => {
  name: string;
  values: string[];
}[];

/** Thrown by compileFilter when a filter is nested deeper or is larger than allowed. */
export class FilterTooComplexError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FilterTooComplexError';
  }
}
