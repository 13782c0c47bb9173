/**
 * @module IP allowlists
 *
 * A key may be limited to client addresses in a list of CIDRs, IPv4 and IPv6. An IPv4 address
 * written as IPv4-mapped IPv6 (`::ffff:10.0.0.1`, as Node reports it on dual-stack sockets)
 * matches IPv4 ranges. Parsing is done once, when the key is loaded.
 */
import ipaddr from 'ipaddr.js';

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** A compiled allowlist. */
export interface IpAllowlist {
  readonly cidrs: readonly string[];
  allows(ip: string | undefined): boolean;
}

/** True when `cidr` is a valid CIDR or single address. */
export function isValidCidr(cidr: string): boolean {
  try {
    toRange(cidr);
    return true;
  } catch {
    return false;
  }
}

function toRange(cidr: string): Range {
  if (cidr.includes('/')) return ipaddr.parseCIDR(cidr);
  const address = ipaddr.parse(cidr);
  return [address, address.kind() === 'ipv4' ? 32 : 128];
}

/** Compiles an allowlist; throws on an invalid entry (validate with {@link isValidCidr} first). */
export function compileIpAllowlist(cidrs: readonly string[]): IpAllowlist {
  const ranges = cidrs.map(toRange);
  return {
    cidrs,
    allows(ip) {
      if (ip === undefined || !ipaddr.isValid(ip)) return false;
      const address = ipaddr.process(ip);
      return ranges.some(([range, bits]) => address.kind() === range.kind() && address.match(range, bits));
    },
  };
}
