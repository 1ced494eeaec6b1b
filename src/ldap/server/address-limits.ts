// Connections allowed at once from one client address: the default cap, or the override of the most
// specific CIDR containing the address (a NAT gateway or a local sidecar may need more, 0 = no cap).
import { BlockList, isIP } from 'node:net';

export interface AddressOverride {
  cidr: string;
  max: number;
}

interface Rule {
  list: BlockList;
  prefix: number;
  max: number;
}

const MAPPED_V4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/** `::ffff:10.1.2.3` (an IPv4 client on a dual-stack listener) is the IPv4 client 10.1.2.3. */
export function canonicalAddress(address: string): string {
  const m = MAPPED_V4.exec(address);
  return m ? m[1] : address;
}

const familyOf = (address: string): 'ipv4' | 'ipv6' | null => {
  const v = isIP(address);
  return v === 4 ? 'ipv4' : v === 6 ? 'ipv6' : null;
};

/** Returns the cap for an address: Infinity when unlimited. */
export function connectionCapFor(defaultMax: number, overrides: readonly AddressOverride[]): (address: string) => number {
  const rules: Rule[] = overrides.map((o) => {
    const [addr, bits] = o.cidr.split('/');
    const network = canonicalAddress(addr);
    const family = familyOf(network);
    if (!family) throw new Error(`ldap.limits.maxConnectionsPerAddressOverrides: "${o.cidr}" is not an address or CIDR`);
    const prefix = bits === undefined ? (family === 'ipv4' ? 32 : 128) : Number(bits);
    const list = new BlockList();
    list.addSubnet(network, prefix, family);
    return { list, prefix, max: o.max };
  });
  // Most specific first, so 127.0.0.1/32 wins over 127.0.0.0/8 whatever order the file lists them in.
  rules.sort((a, b) => b.prefix - a.prefix);
  return (raw) => {
    const address = canonicalAddress(raw);
    const family = familyOf(address);
    const rule = family ? rules.find((r) => r.list.check(address, family)) : undefined;
    const max = rule ? rule.max : defaultMax;
    return max === 0 ? Infinity : max;
  };
}
