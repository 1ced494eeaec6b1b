export { startLdapServer, type LdapServerHandle, type LdapServerOptions } from './server';
export type { TlsMaterial } from './tls';
export type { LogLike, ModelFunctions } from './deps';
