// No d3 here: this file is part of the app's first load (WorldMap.tsx); the drawing code loads later.

/** One place to mark: where, what to call it, and what happened there (drawn as a distinct shape per kind). */
export interface MapPoint {
  lat: number;
  lon: number;
  label: string;
  kind?: MapPointKind;
}
export type MapPointKind = 'place' | 'success' | 'failure' | 'request';

export interface Bounds {
  west: number;
  east: number;
  south: number;
  north: number;
}

/** What the map shows: the whole world, or a box around the points when they are close together. */
export interface MapView {
  zoomed: boolean;
  /** Longitude at the centre of the map (the projection is turned so the box is not cut by the antimeridian). */
  centre: number;
  bounds: Bounds | null;
}

export interface ViewOptions {
  /** Points spread wider than this (degrees) are shown on the whole world. */
  maxLonSpan: number;
  maxLatSpan: number;
  /** A zoomed box is at least this big, so one point shows its country and neighbours, not a blank square. */
  minLonSpan: number;
  minLatSpan: number;
}

export const VIEW_OPTIONS: ViewOptions = { maxLonSpan: 90, maxLatSpan: 50, minLonSpan: 36, minLatSpan: 20 };
export const MAP_WIDTH = 640;
export const MAP_HEIGHT = 320;
const MAX_LAT = 84;

export const isPlaced = (p: MapPoint): boolean =>
  Number.isFinite(p.lat) && Number.isFinite(p.lon) && Math.abs(p.lat) <= 90 && Math.abs(p.lon) <= 180;

/** -180 ≤ lon < 180. */
// Longitudes already in range are returned untouched: the arithmetic would blur 2.35 into 2.3500000000000227.
export const wrapLon = (lon: number): number =>
  lon >= -180 && lon < 180 ? lon : ((((lon + 180) % 360) + 360) % 360) - 180;

/**
 * The shortest run of longitudes holding all of them: the circle minus its largest empty gap, so Fiji (178°) and
 * Samoa (-172°) are 10° apart, not 350°. `east` may exceed 180 when the run crosses the antimeridian.
 */
export function lonArc(lons: readonly number[]): { west: number; east: number; span: number } | null {
  if (lons.length === 0) return null;
  const sorted = lons.map(wrapLon).sort((a, b) => a - b);
  const first = sorted[0] as number;
  const last = sorted[sorted.length - 1] as number;
  // The gap that wraps around from the last longitude back to the first.
  let gap = first + 360 - last;
  let west = first;
  let east = last;
  for (let i = 1; i < sorted.length; i++) {
    const here = (sorted[i] as number) - (sorted[i - 1] as number);
    if (here > gap) {
      gap = here;
      west = sorted[i] as number;
      east = (sorted[i - 1] as number) + 360;
    }
  }
  return { west, east, span: east - west };
}

/** Grows [lo, hi] about its middle to at least `min` wide. */
function atLeast(lo: number, hi: number, min: number): [number, number] {
  const grow = Math.max(0, min - (hi - lo)) / 2;
  return [lo - grow, hi + grow];
}

/** Zooms to the points when they fit in a box of `maxLonSpan` × `maxLatSpan` degrees; else the whole world. */
export function viewFor(points: readonly MapPoint[], options: ViewOptions = VIEW_OPTIONS): MapView {
  const placed = points.filter(isPlaced);
  const arc = lonArc(placed.map((p) => p.lon));
  const world: MapView = { zoomed: false, centre: 0, bounds: null };
  if (!arc) return world;
  const lats = placed.map((p) => p.lat);
  const south = Math.min(...lats);
  const north = Math.max(...lats);
  if (arc.span > options.maxLonSpan || north - south > options.maxLatSpan) return world;
  const [west, east] = atLeast(arc.west, arc.east, options.minLonSpan);
  let [s, n] = atLeast(south, north, options.minLatSpan);
  // Keep the box off the poles, sliding it rather than shrinking it.
  if (n > MAX_LAT) [s, n] = [s - (n - MAX_LAT), MAX_LAT];
  if (s < -MAX_LAT) [s, n] = [-MAX_LAT, n + (-MAX_LAT - s)];
  return { zoomed: true, centre: wrapLon((west + east) / 2), bounds: { west, east, south: s, north: n } };
}
