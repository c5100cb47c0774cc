import type { Place, RiskFlag } from '@shoebox/shared';
import { distanceKm, hasCoordinates } from '../adapters/geo/distance.ts';

export type { RiskFlag };

/** An earlier sign-in (session) of the account: when it started, from where, and when it was last used. */
export interface PastSignIn {
  at: number;
  lastUsedAt: number;
  place: Place | null;
  /** Not revoked and not expired at the time of the new sign-in. */
  live: boolean;
}

/** How many of the latest sign-ins count as "usual countries". */
export const RECENT_SIGN_INS = 10;
/** Faster than an airliner (500 mph) over a distance that IP geolocation cannot explain away. */
export const MAX_TRAVEL_KMH = 805;
export const FAR_KM = 500;
export const CONCURRENT_WINDOW_MS = 3600_000;
export const DORMANT_MS = 90 * 24 * 3600_000;

/**
 * Which risk signals a new sign-in from `place` at `now` raises, given the account's earlier sign-ins (any
 * order). Places without coordinates or country (local network, unknown addresses) raise no place flag: a guess
 * would only cry wolf.
 */
export function assessSignIn(history: readonly PastSignIn[], now: number, place: Place | null): RiskFlag[] {
  const flags: RiskFlag[] = [];
  const recent = [...history].sort((a, b) => b.at - a.at).slice(0, RECENT_SIGN_INS);
  const country = place?.countryCode ?? null;
  const knownCountries = new Set(recent.map((s) => s.place?.countryCode ?? null).filter((c) => c !== null));
  // Without a single earlier sign-in from a known country there is nothing to compare with.
  if (country !== null && knownCountries.size > 0 && !knownCountries.has(country)) flags.push('new-country');

  const here = place && hasCoordinates(place) ? place : null;
  if (here) {
    const impossible = recent.some((s) => {
      if (!s.place || !hasCoordinates(s.place)) return false;
      const km = distanceKm(s.place, here);
      const hours = Math.max(0, now - s.at) / 3600_000;
      return km > FAR_KM && (hours === 0 || km / hours > MAX_TRAVEL_KMH);
    });
    if (impossible) flags.push('impossible-travel');
    const concurrent = history.some(
      (s) =>
        s.live &&
        now - s.lastUsedAt <= CONCURRENT_WINDOW_MS &&
        s.place !== null &&
        hasCoordinates(s.place) &&
        distanceKm(s.place, here) > FAR_KM,
    );
    if (concurrent) flags.push('concurrent-far-session');
  }

  // Dormant means unused, not merely not signed in again: a device that keeps syncing keeps the account awake.
  const lastActive = Math.max(...history.map((s) => Math.max(s.at, s.lastUsedAt)));
  if (history.length > 0 && now - lastActive > DORMANT_MS) flags.push('dormant-account');
  return flags;
}
