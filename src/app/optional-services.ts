// The LDAP frontend, which runs only when the configuration has an `ldap:` section.
import { startLdapFrontend } from './ldap-frontend';
import type { DaemonParts } from './parts';

export interface OptionalServices {
  ldapAddresses: string[];
  reload(): Promise<void>;
}

export async function startOptionalServices(deps: DaemonParts): Promise<OptionalServices> {
  const ldap = await startLdapFrontend(deps);
  return {
    ldapAddresses: ldap?.addresses ?? [],
    reload: async () => {
      await ldap?.reloadTls();
    },
  };
}
