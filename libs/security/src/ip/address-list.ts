import { BlockList, isIP } from 'node:net';

/** A set of IPv4/IPv6 addresses and CIDR ranges. */
export interface AddressList {
  readonly size: number;
  has(ip: string): boolean;
}

/**
 * Builds a list from entries like "10.0.0.0/8", "2001:db8::/32" or "192.0.2.7". Entries that are
 * not addresses are collected in `problems` (one line each, naming `key`) instead of being skipped.
 */
export function parseAddressList(key: string, entries: string[], problems: string[]): AddressList {
  const blockList = new BlockList();
  for (const entry of entries) {
    const [address, prefix, extra] = entry.trim().split('/');
    const family = isIP(address);
    const maxPrefix = family === 6 ? 128 : 32;
    if (family === 0 || extra !== undefined) {
      problems.push(`${key}: "${entry}" is not an IP address or CIDR range`);
    } else if (prefix === undefined) {
      blockList.addAddress(address, family === 6 ? 'ipv6' : 'ipv4');
    } else if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > maxPrefix) {
      problems.push(`${key}: "${entry}" has a bad prefix length (0-${maxPrefix} for IPv${family})`);
    } else {
      blockList.addSubnet(address, Number(prefix), family === 6 ? 'ipv6' : 'ipv4');
    }
  }
  return {
    size: entries.length,
    has: (ip) => {
      // Most lists are empty; BlockList.check would still build an address object per call.
      if (entries.length === 0) return false;
      const family = isIP(ip);
      return family !== 0 && blockList.check(ip, family === 6 ? 'ipv6' : 'ipv4');
    },
  };
}

/**
 * An address as it appears in a socket or an X-Forwarded-For item, reduced to a plain IP:
 * "[2001:db8::1]:443" and "192.0.2.7:5000" lose the port, "::ffff:192.0.2.7" becomes IPv4.
 * Undefined when it is not an address.
 */
export function normalizeAddress(raw: string): string | undefined {
  let ip = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(ip);
  if (bracketed) ip = bracketed[1];
  else if (/^[\d.]+:\d+$/.test(ip)) ip = ip.slice(0, ip.indexOf(':'));
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) ip = mapped[1];
  return isIP(ip) === 0 ? undefined : ip;
}
