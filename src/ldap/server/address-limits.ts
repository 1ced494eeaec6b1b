// Connections allowed at once from one client address: the default cap, or the override of the most
// specific CIDR containing the address (a NAT gateway or a local sidecar may need more, 0 = no cap).
import { cidrLookup } from '../../util/cidr';

export interface AddressOverride {
  cidr: string;
  max: number;
}

/** Returns the cap for an address: Infinity when unlimited. */
export function connectionCapFor(defaultMax: number, overrides: readonly AddressOverride[]): (address: string) => number {
  let overrideFor: (address: string) => number | undefined;
  try {
    overrideFor = cidrLookup(overrides.map((o) => ({ cidr: o.cidr, value: o.max })));
  } catch (err) {
    throw new Error(`ldap.limits.maxConnectionsPerAddressOverrides: ${(err as Error).message}`);
  }
  return (address) => {
    const max = overrideFor(address) ?? defaultMax;
    return max === 0 ? Infinity : max;
  };
}
