// The parts that run only when configured: the LDAP frontend (`ldap:`) and the vendor-facing
// inbound listener (`inbound:`), which waits for the LDAP view before it answers a pushed change.
import { startLdapFrontend, type LdapFrontend } from './ldap-frontend';
import { startInbound, type InboundPart } from './inbound';
import type { Engine } from './engine';
import type { DaemonParts } from './parts';

export interface OptionalServices {
  ldapAddresses: string[];
  /** null without an ldap: section */
  ldap: LdapFrontend | null;
  inbound: InboundPart | null;
  reload(): Promise<void>;
}

export async function startOptionalServices(deps: DaemonParts, engine: Engine, opts: { ldapViewDelayMs?: number } = {}): Promise<OptionalServices> {
  const ldap = await startLdapFrontend(deps, { coalesceMs: opts.ldapViewDelayMs });
  const inbound = await startInbound(deps, engine, ldap ? (seq) => ldap.caughtUp(seq) : null);
  return {
    ldapAddresses: ldap?.addresses ?? [],
    ldap,
    inbound,
    reload: async () => {
      const failures: string[] = [];
      await ldap?.reloadTls().catch((err: Error) => failures.push(`ldap: ${err.message}`));
      await inbound?.reloadTls().catch((err: Error) => failures.push(`inbound: ${err.message}`));
      if (failures.length) throw new Error(`TLS reload failed, the old certificates stay: ${failures.join('; ')}`);
    },
  };
}
