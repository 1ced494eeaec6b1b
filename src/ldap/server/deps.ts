import type { SecureContext } from 'node:tls';
import type { Logger } from '../../ports/logger';
import type { LdapConfig } from '../../config/sections/ldap';
import type { Clock } from '../../ports/clock';
import type { AttributeSelection, DirectoryView, DirFilter, SelectAttributes } from '../contract';
import type { Authenticator } from '../auth/authenticator';

/** the logger port, under the name this module's files use */
export type LogLike = Logger;

export interface FilterLimits {
  maxDepth: number;
  maxNodes: number;
}

/** The directory model's functions the protocol server calls (src/ldap/filter, src/ldap/view). */
export interface ModelFunctions {
  compileFilter(ldapjsFilter: unknown, limits?: FilterLimits): DirFilter;
  selectAttributes: SelectAttributes;
  /** compiled attribute list for snapshots that encode entries themselves (searchEncoded) */
  selection?(requested: string[], typesOnly: boolean): AttributeSelection;
}

/** Everything a connection needs, built once by startLdapServer. */
export interface ServerDeps {
  config: LdapConfig;
  view: DirectoryView;
  auth: Authenticator;
  log: LogLike;
  clock: Clock;
  model: ModelFunctions;
  /** null when no certificate is configured (StartTLS answers unavailable) */
  tlsContext(): SecureContext | null;
  vendorVersion: string;
  nextRequestId(): number;
}
