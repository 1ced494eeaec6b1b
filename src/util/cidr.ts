// One place for client-address ranges: service account allowFrom and per-address connection caps
// both parse, normalise and match with these, so a range means the same thing in every config key.
import { BlockList, isIP } from 'node:net';

export type AddressFamily = 'ipv4' | 'ipv6';

export interface Cidr {
  network: string;
  prefix: number;
  family: AddressFamily;
}

/** The config validation message for any key holding an address or range. */
export const CIDR_HINT = 'use an IP address or a CIDR range such as 10.0.0.0/8 or 2001:db8::/32';

const MAPPED_V4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/** `::ffff:10.1.2.3` (an IPv4 client on a dual-stack socket) -> `10.1.2.3`; other addresses unchanged. */
export function canonicalAddress(address: string): string {
  const m = MAPPED_V4.exec(address);
  return m ? m[1] : address;
}

/** 'ipv4' / 'ipv6' for an address (after canonicalAddress), null when it is not one. */
export function addressFamily(address: string): AddressFamily | null {
  const version = isIP(address);
  return version === 4 ? 'ipv4' : version === 6 ? 'ipv6' : null;
}

/** Parses `10.0.0.0/8`, `2001:db8::/32` or a bare address (one host); null when it is neither. */
export function parseCidr(text: string): Cidr | null {
  const [addr, bits, extra] = text.trim().split('/');
  if (extra !== undefined || (bits !== undefined && !/^\d{1,3}$/.test(bits))) return null;
  // ::ffff:10.0.0.0/104 is the IPv4 range 10.0.0.0/8 written as IPv6.
  const mapped = MAPPED_V4.test(addr);
  const network = canonicalAddress(addr);
  const family = addressFamily(network);
  if (!family) return null;
  const max = family === 'ipv4' ? 32 : 128;
  const prefix = bits === undefined ? max : Number(bits) - (mapped ? 96 : 0);
  if (!(prefix >= 0 && prefix <= max)) return null;
  return { network, prefix, family };
}

export const isCidr = (text: string): boolean => parseCidr(text) !== null;

interface Rule<T> {
  list: BlockList;
  prefix: number;
  value: T;
}

/**
 * A lookup "which of these ranges holds this client address": the value of the most specific one
 * (127.0.0.1/32 wins over 127.0.0.0/8 whatever order they are listed in), undefined when none does.
 * IPv4-mapped IPv6 addresses match IPv4 ranges.
 */
export function cidrLookup<T>(entries: ReadonlyArray<{ cidr: string; value: T }>): (address: string) => T | undefined {
  const rules: Rule<T>[] = entries.map(({ cidr, value }) => {
    const parsed = parseCidr(cidr);
    if (!parsed) throw new Error(`"${cidr}" is not an IP address or CIDR range`);
    const list = new BlockList();
    list.addSubnet(parsed.network, parsed.prefix, parsed.family);
    return { list, prefix: parsed.prefix, value };
  });
  rules.sort((a, b) => b.prefix - a.prefix);
  return (raw) => {
    const address = canonicalAddress(raw);
    const family = addressFamily(address);
    return family ? rules.find((r) => r.list.check(address, family))?.value : undefined;
  };
}

/** A predicate "is this client address inside one of these CIDRs". */
export function cidrMatcher(cidrs: readonly string[]): (address: string) => boolean {
  const lookup = cidrLookup(cidrs.map((cidr) => ({ cidr, value: true })));
  return (address) => lookup(address) === true;
}
