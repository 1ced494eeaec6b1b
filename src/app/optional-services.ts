// The LDAP frontend, which runs only when the configuration has an `ldap:` section.
import type { LoadedConfig } from '../config/loader';
import type { IdentityStore } from '../ports/identity-store';
import type { RedisHandle } from '../redis/connection';
import type { Logger } from '../observability/logger';
import type { Closer } from './closer';
import type { Readiness } from '../observability/readiness';
import { startLdapFrontend } from './ldap-frontend';

export interface OptionalServiceDeps {
  loaded: LoadedConfig;
  store: IdentityStore;
  redis: RedisHandle;
  log: Logger;
  closer: Closer;
  /** readiness checks the admin API reports; components add theirs as they start */
  health: Readiness;
}

export interface OptionalServices {
  ldapAddresses: string[];
  reload(): Promise<void>;
}

export async function startOptionalServices(deps: OptionalServiceDeps): Promise<OptionalServices> {
  const ldap = await startLdapFrontend(deps);
  return {
    ldapAddresses: ldap?.addresses ?? [],
    reload: async () => {
      await ldap?.reloadTls();
    },
  };
}
