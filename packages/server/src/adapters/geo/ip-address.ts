import net from 'node:net';

export interface ParsedIp {
  address: string;
  family: 4 | 6;
}

// Longer than any textual IPv6 address with a zone id; anything bigger is not worth parsing.
const MAX_INPUT_LENGTH = 64;
const MAPPED_PREFIX = /^(?:::|(?:0{1,4}:){5})ffff:/i;
const HEX_PAIR = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i;

/**
 * Canonical form of a textual IP address, or null when it is not one. Dual-stack sockets report IPv4 peers as
 * IPv4-mapped IPv6 (`::ffff:1.2.3.4`, sometimes in hex), and IPv4 databases only answer for the dotted form.
 */
export function parseIp(input: unknown): ParsedIp | null {
  if (typeof input !== 'string' || input.length > MAX_INPUT_LENGTH) return null;
  let text = input.trim();
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  // A zone id names an interface on this host; it says nothing about where the peer is.
  const zone = text.indexOf('%');
  if (zone !== -1) text = text.slice(0, zone);

  if (net.isIPv4(text)) return { address: text, family: 4 };
  if (!net.isIPv6(text)) return null;

  const mapped = MAPPED_PREFIX.exec(text);
  if (mapped) {
    const tail = text.slice(mapped[0].length);
    if (net.isIPv4(tail)) return { address: tail, family: 4 };
    const hex = HEX_PAIR.exec(tail);
    if (hex) return { address: dotted(hex[1] ?? '0', hex[2] ?? '0'), family: 4 };
  }
  return { address: text.toLowerCase(), family: 6 };
}

function dotted(high: string, low: string): string {
  const h = parseInt(high, 16);
  const l = parseInt(low, 16);
  return [h >> 8, h & 0xff, l >> 8, l & 0xff].join('.');
}

// IPv4 is the common case and checked with arithmetic; BlockList costs ~2 µs a call and is kept for IPv6.
const LOCAL_V4: readonly (readonly [number, number])[] = [
  [0x00000000, 8], // "this network"
  [0x0a000000, 8],
  // Carrier-grade NAT space, also what Tailscale hands out: never seen from the public internet.
  [0x64400000, 10],
  [0x7f000000, 8],
  [0xa9fe0000, 16],
  [0xac100000, 12],
  [0xc0a80000, 16],
];

const LOCAL_V6 = new net.BlockList();
LOCAL_V6.addAddress('::', 'ipv6');
LOCAL_V6.addAddress('::1', 'ipv6');
LOCAL_V6.addSubnet('fc00::', 7, 'ipv6');
LOCAL_V6.addSubnet('fe80::', 10, 'ipv6');

/** Loopback, private, link-local, unique-local or CGNAT: a peer that is not out on the internet. */
export function isLocalIp({ address, family }: ParsedIp): boolean {
  if (family === 6) return LOCAL_V6.check(address, 'ipv6');
  const value = address.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
  return LOCAL_V4.some(([network, prefix]) => value >>> (32 - prefix) === network >>> (32 - prefix));
}
