import { geoEqualEarth, type GeoProjection } from 'd3-geo';
import {
  isPlaced,
  MAP_HEIGHT,
  MAP_WIDTH,
  type Bounds,
  type MapPoint,
  type MapView,
} from './world-map-geometry.ts';

/** Points along the edges of the box: its projected outline is curved, so corners alone would not fit it. */
function outline(b: Bounds): [number, number][] {
  const steps = 8;
  const out: [number, number][] = [];
  for (let i = 0; i <= steps; i++) {
    const lon = b.west + ((b.east - b.west) * i) / steps;
    const lat = b.south + ((b.north - b.south) * i) / steps;
    out.push([lon, b.south], [lon, b.north], [b.west, lat], [b.east, lat]);
  }
  return out;
}

/** An Equal Earth projection showing the view in a `width` × `height` box with a small margin. */
export function projectionFor(view: MapView, width = MAP_WIDTH, height = MAP_HEIGHT): GeoProjection {
  const margin = view.zoomed ? 8 : 4;
  const extent: [[number, number], [number, number]] = [
    [margin, margin],
    [width - margin, height - margin],
  ];
  const projection = geoEqualEarth().rotate([-view.centre, 0]);
  return view.bounds
    ? projection.fitExtent(extent, { type: 'MultiPoint', coordinates: outline(view.bounds) })
    : projection.fitExtent(extent, { type: 'Sphere' });
}

export interface PlacedMarker {
  point: MapPoint;
  x: number;
  y: number;
}

/** Screen positions of the points that land inside the box (a zoomed view may leave none out; be safe). */
export function placeMarkers(
  projection: GeoProjection,
  points: readonly MapPoint[],
  width = MAP_WIDTH,
  height = MAP_HEIGHT,
): PlacedMarker[] {
  const out: PlacedMarker[] = [];
  for (const point of points.filter(isPlaced)) {
    const xy = projection([point.lon, point.lat]);
    if (!xy) continue;
    const [x, y] = xy;
    if (x < 0 || y < 0 || x > width || y > height) continue;
    out.push({ point, x: Math.round(x * 10) / 10, y: Math.round(y * 10) / 10 });
  }
  return out;
}
