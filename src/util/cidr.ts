import { BlockList, isIP } from 'node:net';

const MAPPED_V4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/** `::ffff:10.1.2.3` (an IPv4 client on a dual-stack socket) -> `10.1.2.3`; other addresses unchanged. */
export function canonicalAddress(address: string): string {
  const m = MAPPED_V4.exec(address);
  return m ? m[1] : address;
}

/** Parses `10.0.0.0/8`, `2001:db8::/32` or a bare address (one host); null when it is neither. */
export function parseCidr(text: string): { network: string; prefix: number; family: 'ipv4' | 'ipv6' } | null {
  const [addr, bits, extra] = text.trim().split('/');
  if (extra !== undefined || (bits !== undefined && !/^\d{1,3}$/.test(bits))) return null;
  // ::ffff:10.0.0.0/104 is the IPv4 range 10.0.0.0/8 written as IPv6.
  const mapped = MAPPED_V4.test(addr);
  const network = canonicalAddress(addr);
  const version = isIP(network);
  if (version === 0) return null;
  const max = version === 4 ? 32 : 128;
  const prefix = bits === undefined ? max : Number(bits) - (mapped ? 96 : 0);
  if (!(prefix >= 0 && prefix <= max)) return null;
  return { network, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/** A predicate "is this client address inside one of these CIDRs" (IPv4-mapped IPv6 addresses match IPv4 ranges). */
export function cidrMatcher(cidrs: string[]): (address: string) => boolean {
  const list = new BlockList();
  for (const c of cidrs) {
    const parsed = parseCidr(c);
    if (!parsed) throw new Error(`"${c}" is not an IP address or CIDR range`);
    list.addSubnet(parsed.network, parsed.prefix, parsed.family);
  }
  return (address) => {
    const a = canonicalAddress(address);
    const version = isIP(a);
    return version !== 0 && list.check(a, version === 4 ? 'ipv4' : 'ipv6');
  };
}
