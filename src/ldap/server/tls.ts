import type { LdapConfig } from '../../config/sections/ldap';
import { loadTlsMaterial as loadFrom, secureContextOf, type TlsMaterial } from '../../util/tls-files';

export { secureContextOf, type TlsMaterial };

/** The LDAP section's certificate and key (see util/tls-files for where they are read from). */
export function loadTlsMaterial(config: LdapConfig): Promise<TlsMaterial | null> {
  return loadFrom(config.tls);
}
