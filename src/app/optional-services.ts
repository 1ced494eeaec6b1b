// Parts of the daemon that run only when configured: the LDAP frontend, provisioning, admin API.
import type { LoadedConfig } from '../config/loader';
import type { IdentityStore } from '../ports/identity-store';
import type { AccessPolicy, IntentPlanner } from '../ports/access-policy';
import type { RedisHandle } from '../redis/connection';
import type { Logger } from '../observability/logger';
import type { Closer } from './closer';
import { startLdapFrontend } from './ldap-frontend';

export interface OptionalServiceDeps {
  loaded: LoadedConfig;
  store: IdentityStore;
  redis: RedisHandle;
  log: Logger;
  closer: Closer;
}

export interface OptionalServices {
  policy?: AccessPolicy;
  planner?: IntentPlanner;
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
