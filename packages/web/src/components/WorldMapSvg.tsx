import { geoGraticule10, geoPath } from 'd3-geo';
import { feature, mesh } from 'topojson-client';
import type { Feature, FeatureCollection, MultiLineString } from 'geojson';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { useMemo } from 'react';
// Natural Earth 1:110m, bundled into this lazily loaded chunk: the map never asks the internet for tiles.
import atlasText from 'world-atlas/countries-110m.json?raw';
import { MarkerShape } from './world-map-marker.tsx';
import { MAP_HEIGHT, MAP_WIDTH, viewFor, type MapPoint } from './world-map-geometry.ts';
import { placeMarkers, projectionFor } from './world-map-projection.ts';

type Atlas = Topology<{ land: GeometryCollection; countries: GeometryCollection }>;

let shapes: { land: FeatureCollection | Feature; borders: MultiLineString } | null = null;
function atlasShapes() {
  if (!shapes) {
    const atlas = JSON.parse(atlasText) as Atlas;
    shapes = {
      land: feature(atlas, atlas.objects.land),
      // Only borders between two countries: coastlines are the land's own outline.
      borders: mesh(atlas, atlas.objects.countries, (a, b) => a !== b),
    };
  }
  return shapes;
}

/** The drawing itself: land, borders and one marker per point (see WorldMap.tsx, which loads this on demand). */
export default function WorldMapSvg({
  points,
  label,
  markerScale = 1,
}: {
  points: readonly MapPoint[];
  label: string;
  markerScale?: number;
}) {
  const drawing = useMemo(() => {
    const { land, borders } = atlasShapes();
    const view = viewFor(points);
    const projection = projectionFor(view);
    const path = geoPath(projection).digits(1);
    return {
      zoomed: view.zoomed,
      sphere: path({ type: 'Sphere' }) ?? '',
      graticule: view.zoomed ? '' : (path(geoGraticule10()) ?? ''),
      land: path(land) ?? '',
      borders: path(borders) ?? '',
      markers: placeMarkers(projection, points),
    };
  }, [points]);

  return (
    <svg
      className={`world-map__svg${drawing.zoomed ? ' is-zoomed' : ''}`}
      viewBox={`0 0 ${MAP_WIDTH} ${MAP_HEIGHT}`}
      role="img"
      aria-label={label}
      data-testid="world-map"
      data-zoomed={drawing.zoomed ? 'true' : 'false'}
    >
      <title>{label}</title>
      {drawing.zoomed ? (
        <rect className="world-map__sea" width={MAP_WIDTH} height={MAP_HEIGHT} />
      ) : (
        <path className="world-map__sea" d={drawing.sphere} />
      )}
      {drawing.graticule ? <path className="world-map__graticule" d={drawing.graticule} /> : null}
      <path className="world-map__land" d={drawing.land} />
      <path className="world-map__borders" d={drawing.borders} />
      {drawing.markers.map((m, i) => (
        <g
          key={`${i}-${m.point.label}`}
          className="world-map__marker"
          data-testid="map-marker"
          data-kind={m.point.kind ?? 'place'}
          transform={`translate(${m.x} ${m.y})${markerScale === 1 ? '' : ` scale(${markerScale})`}`}
        >
          <title>{m.point.label}</title>
          <MarkerShape kind={m.point.kind ?? 'place'} />
        </g>
      ))}
    </svg>
  );
}
