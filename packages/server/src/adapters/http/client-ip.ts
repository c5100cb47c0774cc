import net from 'node:net';

/**
 * The client's address. X-Forwarded-For is believed only when the direct peer is a proxy the operator listed, and
 * then only up to the first address that is not itself a trusted proxy (walking from the right), so a client
 * cannot forge its way past the proxy by sending its own header.
 */
export function resolveClientIp(
  peer: string | undefined,
  forwardedFor: string | undefined,
  trusted: readonly string[],
) {
  const direct = normalise(peer);
  if (!direct || !forwardedFor || !isTrusted(direct, trusted)) return direct;
  const hops = forwardedFor
    .split(',')
    .map((h) => normalise(h.trim()))
    .filter((h): h is string => h !== null);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i];
    if (hop && !isTrusted(hop, trusted)) return hop;
  }
  return hops[0] ?? direct;
}

function isTrusted(ip: string, trusted: readonly string[]): boolean {
  return trusted.some((t) => normalise(t) === ip);
}

function normalise(ip: string | undefined): string | null {
  if (!ip) return null;
  const unmapped = ip.startsWith('::ffff:') && net.isIPv4(ip.slice(7)) ? ip.slice(7) : ip;
  return net.isIP(unmapped) ? unmapped : null;
}
