export interface Coordinates {
  latitude: number;
  longitude: number;
}

// IUGG mean radius; the sphere is off by under 0.5 %, far inside IP-geolocation error.
const EARTH_RADIUS_KM = 6371.0088;

/** Great-circle (haversine) distance between two points, in kilometres. */
export function distanceKm(a: Coordinates, b: Coordinates): number {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  // Clamped because rounding can push h a hair past 1 for antipodal points.
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.sqrt(Math.min(1, h)));
}

/** Narrows a Place (whose coordinates may be unknown) to something distanceKm accepts. */
export function hasCoordinates<T extends { latitude: number | null; longitude: number | null }>(
  place: T,
): place is T & Coordinates {
  return place.latitude !== null && place.longitude !== null;
}
