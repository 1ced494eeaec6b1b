export { startLdapServer, type LdapServerHandle, type LdapServerOptions } from './server';
export type { LogLike, ModelFunctions } from './deps';
