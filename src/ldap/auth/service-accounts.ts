import type { LdapConfig } from '../../config/sections/ldap';
import { cidrMatcher } from '../../util/cidr';
import { normalizeDN } from './dn';
import type { PasswordHasher } from './passwords';

export interface ServiceAccount {
  name: string;
  dn: string;
  /** null: every address may bind */
  allows: ((address: string) => boolean) | null;
  /** argon2id PHC string: the configured hash, or one computed at load from the configured password */
  hash: Promise<string>;
}

/**
 * Service accounts from configuration, keyed by normalised DN. A plain configured password is
 * hashed once at load with the same argon2id parameters as every other check, so a wrong password
 * costs what a wrong person's password or an unknown DN costs: response time says nothing about
 * which DNs are service accounts.
 */
export class ServiceAccounts {
  private byDn = new Map<string, ServiceAccount>();

  constructor(config: LdapConfig, private hasher: PasswordHasher) {
    for (const sa of config.serviceAccounts) {
      const dn = `cn=${sa.name},ou=services,${config.baseDN}`;
      const hash = sa.passwordHash ? Promise.resolve(sa.passwordHash) : hasher.hash(sa.password ?? '');
      // Awaited by every check; this only keeps a failed hash from being an unhandled rejection.
      hash.catch(() => undefined);
      this.byDn.set(normalizeDN(dn), { name: sa.name, dn, allows: sa.allowFrom ? cidrMatcher(sa.allowFrom) : null, hash });
    }
  }

  find(ndn: string): ServiceAccount | undefined {
    return this.byDn.get(ndn);
  }

  async verify(account: ServiceAccount, password: string): Promise<boolean> {
    let hashed: string;
    try {
      hashed = await account.hash;
    } catch {
      return false;
    }
    return this.hasher.verify(hashed, password);
  }
}
