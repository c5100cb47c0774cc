import type { Place } from '@shoebox/shared';

/**
 * Lite databases carry no accuracy radius. City-level IP answers are typically right to within tens of kilometres
 * (the town of the ISP's point of presence), so 50 km is a middle value; a region-only answer is coarser still.
 */
export const CITY_ACCURACY_KM = 50;
export const REGION_ACCURACY_KM = 200;

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

interface Fields {
  city: string | null;
  region: string | null;
  countryCode: string | null;
  country: string | null;
  latitude: number | null;
  longitude: number | null;
  accuracyKm: number | null;
}

/**
 * A database record as a Place, or null when it says nothing useful. The record is read defensively because the
 * file is whatever the operator pointed us at: ip-location-db's flat layout or MaxMind's nested GeoIP2 one.
 */
export function placeFromRecord(record: unknown): Place | null {
  const raw = asObject(record);
  if (!raw) return null;
  const fields = isNested(raw) ? nestedFields(raw) : flatFields(raw);
  const countryCode = fields.countryCode;
  const country = fields.country ?? (countryCode ? countryName(countryCode) : null);
  const city = fields.city;
  const region = fields.region;
  if (!city && !region && !country) return null;

  const located = fields.latitude !== null && fields.longitude !== null;
  const defaultAccuracy = city ? CITY_ACCURACY_KM : region ? REGION_ACCURACY_KM : null;
  return {
    label: [city, region === city ? null : region, country].filter(Boolean).join(', '),
    city,
    region,
    country,
    countryCode,
    latitude: located ? fields.latitude : null,
    longitude: located ? fields.longitude : null,
    // A country centroid with a radius would pretend to a precision nobody has.
    accuracyKm: located && defaultAccuracy !== null ? (fields.accuracyKm ?? defaultAccuracy) : null,
  };
}

function isNested(raw: Record<string, unknown>): boolean {
  return asObject(raw.location) !== null || asObject(raw.country) !== null || asObject(raw.city) !== null;
}

/** ip-location-db: country_code, state1, state2, city, postcode, latitude, longitude, timezone. */
function flatFields(raw: Record<string, unknown>): Fields {
  return {
    city: cityName(asString(raw.city)),
    region: asString(raw.state1),
    countryCode: asCountryCode(raw.country_code),
    country: null,
    ...coordinates(raw.latitude, raw.longitude),
    accuracyKm: null,
  };
}

/** MaxMind GeoIP2 / GeoLite2 City. */
function nestedFields(raw: Record<string, unknown>): Fields {
  const country = asObject(raw.country);
  const location = asObject(raw.location);
  const subdivisions = Array.isArray(raw.subdivisions) ? (raw.subdivisions as unknown[]) : [];
  const radius = asNumber(location?.accuracy_radius);
  return {
    city: cityName(englishName(raw.city)),
    region: englishName(subdivisions[0]),
    countryCode: asCountryCode(country?.iso_code),
    country: englishName(country),
    ...coordinates(location?.latitude, location?.longitude),
    accuracyKm: radius !== null && radius > 0 ? radius : null,
  };
}

function englishName(value: unknown): string | null {
  return asString(asObject(asObject(value)?.names)?.en);
}

/**
 * DB-IP appends the neighbourhood in parentheses ("Zurich (Zurich (Kreis 1) / Hochschulen)"); a place shown to a
 * person, from data good to tens of kilometres, is the town.
 */
function cityName(name: string | null): string | null {
  if (!name) return null;
  const open = name.indexOf(' (');
  return open > 0 && name.endsWith(')') ? name.slice(0, open).trim() : name;
}

// Intl lookups cost most of a microsecond; there are only a couple of hundred codes.
const countryNames = new Map<string, string>();

function countryName(code: string): string {
  let name = countryNames.get(code);
  if (name === undefined) {
    name = regionNames.of(code) ?? code;
    countryNames.set(code, name);
  }
  return name;
}

function asCountryCode(value: unknown): string | null {
  const code = asString(value)?.toUpperCase() ?? null;
  // ZZ is the "unknown region" placeholder some databases use.
  return code && /^[A-Z]{2}$/.test(code) && code !== 'ZZ' ? code : null;
}

function coordinates(lat: unknown, lon: unknown): Pick<Fields, 'latitude' | 'longitude'> {
  const latitude = asNumber(lat);
  const longitude = asNumber(lon);
  const valid =
    latitude !== null &&
    longitude !== null &&
    Math.abs(latitude) <= 90 &&
    Math.abs(longitude) <= 180 &&
    // 0,0 is how a missing location is written, not a place anyone signs in from.
    !(latitude === 0 && longitude === 0);
  // Stored as float32: four decimals (~10 m) drop the noise without losing anything real.
  return valid
    ? { latitude: round4(latitude), longitude: round4(longitude) }
    : { latitude: null, longitude: null };
}

function round4(n: number): number {
  return Math.round(n * 1e4) / 1e4;
}

function asObject(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function asString(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function asNumber(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
