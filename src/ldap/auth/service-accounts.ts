import type { LdapConfig } from '../../config/sections/ldap';
import type { Clock } from '../../ports/clock';
import { cidrMatcher } from '../../util/cidr';
import { normalizeDN } from './dn';
import type { PasswordHasher } from './passwords';
import { VerifiedBindCache } from './verified-binds';

export interface ServiceAccount {
  name: string;
  dn: string;
  ndn: string;
  /** null: every address may bind */
  allows: ((address: string) => boolean) | null;
  /** argon2id PHC string: the configured hash, or one computed at load from the configured password */
  hash: Promise<string>;
}

/**
 * Service accounts from configuration, keyed by normalised DN. A plain configured password is
 * hashed once at load with the same argon2id parameters as every other check, so a wrong password
 * costs what a wrong person's password or an unknown DN costs: response time says nothing about
 * which DNs are service accounts. A successful verify is remembered for
 * `ldap.bind.serviceAccountCacheSeconds` (see VerifiedBindCache); failures are never remembered.
 */
export class ServiceAccounts {
  private byDn = new Map<string, ServiceAccount>();
  private verified: VerifiedBindCache;

  constructor(config: LdapConfig, private hasher: PasswordHasher, clock: Clock) {
    this.verified = new VerifiedBindCache(config.bind.serviceAccountCacheSeconds * 1000, clock);
    for (const sa of config.serviceAccounts) {
      const dn = `cn=${sa.name},ou=services,${config.baseDN}`;
      const hash = sa.passwordHash ? Promise.resolve(sa.passwordHash) : hasher.hash(sa.password ?? '');
      // Awaited by every check; this only keeps a failed hash from being an unhandled rejection.
      hash.catch(() => undefined);
      const ndn = normalizeDN(dn);
      this.byDn.set(ndn, { name: sa.name, dn, ndn, allows: sa.allowFrom ? cidrMatcher(sa.allowFrom) : null, hash });
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
    if (this.verified.has(account.ndn, hashed, password)) return true;
    const ok = await this.hasher.verify(hashed, password);
    if (ok) this.verified.remember(account.ndn, hashed, password);
    return ok;
  }
}
