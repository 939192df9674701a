// The SSRF guard for URLs that users supply (feeds, calendars, forums, sites): which schemes
// and which resolved IP addresses the HTTP client may connect to. Loopback, private, link-local,
// CGNAT, cloud metadata, multicast and unspecified addresses are refused unless the operator
// allows a range explicitly. The transport pins the connection to the address checked here, so
// a DNS answer that changes between check and connect (rebinding) cannot slip through.

import { BlockList, isIP } from 'node:net';
import { lookup as dnsLookup } from 'node:dns/promises';

export interface AddressGuardOptions {
  /** CIDR ranges (or single addresses) allowed even though they are private, e.g. ['127.0.0.1/8']. */
  allowPrivateAddresses?: string[];
}

export class BlockedAddressError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BlockedAddressError';
  }
}

const DENIED_V4: [string, number][] = [
  ['0.0.0.0', 8], // "this network", includes the unspecified address
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, includes the 169.254.169.254 metadata service
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved and broadcast
];

const DENIED_V6: [string, number][] = [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96], // NAT64 can reach any IPv4 address, private ones included
  ['100::', 64], // discard-only
  ['2001:db8::', 32],
  ['fc00::', 7], // unique local, includes the fd00:ec2::254 metadata service
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
];

const denied = new BlockList();
for (const [net, prefix] of DENIED_V4) denied.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of DENIED_V6) denied.addSubnet(net, prefix, 'ipv6');

/** Parses '10.0.0.0/8', '::1', '127.0.0.1/8' into an allow-list; throws on a malformed range. */
export function buildAllowList(ranges: readonly string[] = []): BlockList {
  const allowed = new BlockList();
  for (const range of ranges) {
    const [address = '', prefixText] = range.trim().split('/');
    const family = isIP(address);
    if (family === 0) throw new Error(`allowPrivateAddresses: not an IP range: ${JSON.stringify(range)}`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    const max = family === 4 ? 32 : 128;
    const prefix = prefixText === undefined ? max : Number(prefixText);
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) {
      throw new Error(`allowPrivateAddresses: bad prefix in ${JSON.stringify(range)}`);
    }
    allowed.addSubnet(address, prefix, type);
  }
  return allowed;
}

/** '::ffff:127.0.0.1' and '::ffff:7f00:1' are IPv4 in disguise: check them as IPv4. */
export function unmapIpv4(address: string): string {
  const lower = address.toLowerCase();
  const dotted = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted?.[1]) return dotted[1];
  const hex = /^(?:0{0,4}:){0,5}:?ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex?.[1] && hex[2]) {
    const high = parseInt(hex[1], 16);
    const low = parseInt(hex[2], 16);
    return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  }
  return address;
}

/** Why an address may not be contacted, or null when it may. */
export function addressRefusal(address: string, allowed: BlockList): string | null {
  const plain = unmapIpv4(withoutZone(address.replace(/^\[|\]$/g, '')));
  const family = isIP(plain);
  if (family === 0) return `not an IP address: ${address}`;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (!denied.check(plain, type)) return null;
  if (allowed.check(plain, type)) return null;
  return `address ${plain} is private, loopback, link-local or reserved`;
}

/** Only http(s) URLs without credentials in them may be fetched on a user's behalf. */
export function checkUserUrl(url: URL): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new BlockedAddressError(`only http and https URLs are allowed, not ${url.protocol}`);
  }
  if (url.username || url.password) throw new BlockedAddressError('URLs with credentials are not allowed');
}

export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

export const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/**
 * Resolves a host and returns the first address that may be contacted. Every resolved address
 * must pass: a name that resolves to both a public and a private address is refused, since
 * the caller cannot control which one a later lookup would pick.
 */
export async function resolveAllowedAddress(
  hostname: string,
  allowed: BlockList,
  resolve: Resolver = systemResolver,
): Promise<{ address: string; family: 4 | 6 }> {
  const bare = hostname.replace(/^\[|\]$/g, '');
  const literal = isIP(bare);
  const addresses = literal ? [{ address: bare, family: literal }] : await resolve(bare);
  if (addresses.length === 0) throw new BlockedAddressError(`host ${hostname} did not resolve`);
  for (const { address } of addresses) {
    const refusal = addressRefusal(address, allowed);
    if (refusal) throw new BlockedAddressError(`refusing ${hostname}: ${refusal}`);
  }
  const first = addresses[0]!;
  return { address: unmapIpv4(first.address), family: isIP(unmapIpv4(first.address)) === 6 ? 6 : 4 };
}

/** An IPv6 address without its zone (`fe80::1%eth0`). */
function withoutZone(address: string): string {
  const percent = address.indexOf('%');
  return percent === -1 ? address : address.slice(0, percent);
}
