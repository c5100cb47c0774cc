import type { MapPoint, MapPointKind } from './world-map-geometry.ts';

/** The parts of the API's Place used here (kept structural so this file stays free of the generated client). */
export interface PlaceLike {
  label: string;
  city: string | null;
  region: string | null;
  countryCode: string | null;
  latitude: number | null;
  longitude: number | null;
}

const regionNames = new Map<string, Intl.DisplayNames | null>();
function countryIn(locale: string, code: string): string | null {
  if (!regionNames.has(locale)) {
    try {
      regionNames.set(locale, new Intl.DisplayNames([locale], { type: 'region' }));
    } catch {
      regionNames.set(locale, null);
    }
  }
  try {
    return regionNames.get(locale)?.of(code) ?? null;
  } catch {
    return null;
  }
}

/**
 * A place as words in the reader's language: the server names it in English (from the IP database), so the country
 * is re-named from its code with the browser's own region names; towns keep the database's spelling.
 */
export function placeName(place: PlaceLike, locale: string, localNetwork?: string): string {
  // The server's one place with no town, region or country: an address on the local network.
  if (!place.city && !place.region && !place.countryCode && localNetwork) return localNetwork;
  const country = place.countryCode ? countryIn(locale, place.countryCode) : null;
  if (!country) return place.label;
  const region = place.region && place.region !== place.city ? place.region : null;
  const separator = locale.startsWith('zh') ? '，' : ', ';
  return [place.city, region, country].filter(Boolean).join(separator);
}

/** The place as a point on the map, when the IP database gave coordinates. */
export function pointOf(place: PlaceLike | null, label: string, kind: MapPointKind): MapPoint | null {
  if (!place || place.latitude === null || place.longitude === null) return null;
  return { lat: place.latitude, lon: place.longitude, label, kind };
}

/** "Beijing, Shanghai and Paris" in the reader's language. */
export function listOf(items: readonly string[], locale: string): string {
  try {
    return new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' }).format(items);
  } catch {
    return items.join(', ');
  }
}
