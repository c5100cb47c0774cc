import type { Place } from '@shoebox/shared';
import { isLocalIp, parseIp } from './ip-address.ts';

/** Turns an IP address into an approximate place, offline. */
export interface GeoLocator {
  locate(ip: string | null): Place | null;
}

// Frozen because every caller shares this one object.
export const LOCAL_NETWORK: Place = Object.freeze({
  label: 'Local network',
  city: null,
  region: null,
  country: null,
  countryCode: null,
  latitude: null,
  longitude: null,
  accuracyKm: null,
});

/** Loopback, private, link-local, unique-local and CGNAT addresses never leave the building. */
export function isLocalAddress(ip: string): boolean {
  const parsed = parseIp(ip);
  return parsed !== null && isLocalIp(parsed);
}

/** A locator that knows only local addresses; the database-backed one wraps it. */
export const localOnlyLocator: GeoLocator = {
  locate: (ip) => (ip && isLocalAddress(ip) ? LOCAL_NETWORK : null),
};
