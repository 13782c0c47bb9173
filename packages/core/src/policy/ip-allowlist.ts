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

/**
 * Whether every address of `inner` (a CIDR or single address) lies in one of the `outer`
 * ranges. Used to keep a key's allowlist within its maker's; an entry that does not parse, or
 * is of another address family, is not within.
 */
export function cidrWithin(inner: string, outer: readonly string[]): boolean {
  let range: Range;
  try {
    range = toRange(inner);
  } catch {
    return false;
  }
  const [address, bits] = range;
  return outer.some((cidr) => {
    try {
      const [outerAddress, outerBits] = toRange(cidr);
      return (
        address.kind() === outerAddress.kind() && bits >= outerBits && address.match(outerAddress, outerBits)
      );
    } catch {
      return false;
    }
  });
}

/**
 * One spelling per client address, for counting a client's failures: IPv4 as dotted quad (also
 * when written IPv4-mapped, `::ffff:203.0.113.5`), IPv6 as its /64 network (one subscriber's
 * prefix; the host half is theirs to change at will), anything else trimmed and lower-cased.
 */
export function clientAddressKey(ip: string): string {
  const text = ip.trim().toLowerCase();
  if (!ipaddr.isValid(text)) return text;
  const address = ipaddr.process(text);
  if (address.kind() === 'ipv4') return address.toString();
  const parts = (address as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16));
  return `${parts.join(':')}::/64`;
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
