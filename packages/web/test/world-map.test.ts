/**
 * The world map's geometry without a browser: which view a set of points gets (zoomed or whole world, across the
 * antimeridian), where the projection puts them, that the bundled outline draws, and how sign-ins are tallied.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { geoPath } from 'd3-geo';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { describe, expect, it } from 'vitest';
import { listOf, placeName, pointOf, type PlaceLike } from '../src/components/place-names.ts';
import {
  lonArc,
  MAP_HEIGHT,
  MAP_WIDTH,
  viewFor,
  wrapLon,
  type MapPoint,
} from '../src/components/world-map-geometry.ts';
import { placeMarkers, projectionFor } from '../src/components/world-map-projection.ts';
import { tallyPoints, tallySignInPlaces } from '../src/devices/sign-in-places.ts';

/** The value, or a failed test when it is missing. */
function must<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new Error('expected a value');
  return value;
}
const at = (lat: number, lon: number, label = `${lat},${lon}`): MapPoint => ({ lat, lon, label });
const BEIJING = at(39.9, 116.4, 'Beijing');
const SHENZHEN = at(22.5, 114.1, 'Shenzhen');
const PARIS = at(48.86, 2.35, 'Paris');
const FIJI = at(-18.1, 178.4, 'Suva');
const SAMOA = at(-13.8, -171.8, 'Apia');

describe('lonArc', () => {
  it('is the shortest run of longitudes holding them all, across the antimeridian too', () => {
    expect(lonArc([])).toBeNull();
    expect(lonArc([10])).toEqual({ west: 10, east: 10, span: 0 });
    expect(lonArc([116.4, 2.35, 114.1])).toEqual({ west: 2.35, east: 116.4, span: 116.4 - 2.35 });
    const pacific = lonArc([178.4, -171.8]);
    expect(pacific?.west).toBe(178.4);
    expect(pacific?.span).toBeCloseTo(9.8, 6);
    expect(pacific?.east).toBeCloseTo(188.2, 6);
  });

  it('wraps longitudes into [-180, 180)', () => {
    expect(wrapLon(188.2)).toBeCloseTo(-171.8, 6);
    expect(wrapLon(-190)).toBe(170);
    expect(wrapLon(180)).toBe(-180);
    expect(wrapLon(45)).toBe(45);
  });
});

describe('viewFor', () => {
  it('shows the whole world with no points, or points far apart', () => {
    expect(viewFor([])).toEqual({ zoomed: false, centre: 0, bounds: null });
    expect(viewFor([BEIJING, PARIS]).zoomed).toBe(false);
    expect(viewFor([at(60, 10), at(-30, 12)]).zoomed).toBe(false);
  });

  it('zooms to points close together, with at least a country’s worth of context around one point', () => {
    const one = viewFor([BEIJING]);
    expect(one.zoomed).toBe(true);
    const b = must(one.bounds);
    expect(b.east - b.west).toBeCloseTo(36, 6);
    expect(b.north - b.south).toBeCloseTo(20, 6);
    expect(one.centre).toBeCloseTo(116.4, 6);

    const two = must(viewFor([BEIJING, SHENZHEN]).bounds);
    expect(two.south).toBeLessThanOrEqual(22.5);
    expect(two.north).toBeGreaterThanOrEqual(39.9);
  });

  it('zooms across the antimeridian, centred in the Pacific', () => {
    const view = viewFor([FIJI, SAMOA]);
    expect(view.zoomed).toBe(true);
    expect(Math.abs(view.centre)).toBeGreaterThan(170);
  });

  it('slides a box off the pole rather than past it, and ignores points with no usable position', () => {
    const view = viewFor([at(80, 20), at(Number.NaN, 0), at(100, 0), at(0, 200)]);
    expect(view.zoomed).toBe(true);
    const bounds = must(view.bounds);
    expect(bounds.north).toBe(84);
    expect(bounds.north - bounds.south).toBeCloseTo(20, 6);
  });
});

describe('projection and markers', () => {
  const inside = (m: { x: number; y: number }) =>
    m.x >= 0 && m.x <= MAP_WIDTH && m.y >= 0 && m.y <= MAP_HEIGHT;

  it('puts every point on the whole-world map, west to east', () => {
    const points = [PARIS, BEIJING, FIJI, SAMOA];
    const markers = placeMarkers(projectionFor(viewFor(points)), points);
    expect(markers.map((m) => m.point.label)).toEqual(['Paris', 'Beijing', 'Suva', 'Apia']);
    expect(markers.every(inside)).toBe(true);
    const x = (label: string) => must(markers.find((m) => m.point.label === label)).x;
    expect(x('Paris')).toBeLessThan(x('Beijing'));
    expect(x('Beijing')).toBeLessThan(x('Suva'));
    // Samoa is just east of the antimeridian: the far left of a map centred on Greenwich.
    expect(x('Apia')).toBeLessThan(x('Paris'));
  });

  it('centres a single point on a zoomed map, and keeps neighbours across the antimeridian together', () => {
    const only = must(placeMarkers(projectionFor(viewFor([BEIJING])), [BEIJING])[0]);
    // Equal Earth stretches latitudes unevenly, so the middle of the box is only near the middle of the map.
    expect(Math.abs(only.x - MAP_WIDTH / 2)).toBeLessThan(MAP_WIDTH * 0.05);
    expect(Math.abs(only.y - MAP_HEIGHT / 2)).toBeLessThan(MAP_HEIGHT * 0.05);

    const pacific = placeMarkers(projectionFor(viewFor([FIJI, SAMOA])), [FIJI, SAMOA]);
    expect(pacific).toHaveLength(2);
    expect(pacific.every(inside)).toBe(true);
    expect(Math.abs(must(pacific[0]).x - must(pacific[1]).x)).toBeLessThan(MAP_WIDTH / 2);
  });

  it('draws the bundled Natural Earth land outline in both views', () => {
    const require = createRequire(import.meta.url);
    const file = require.resolve('world-atlas/countries-110m.json');
    const atlas = JSON.parse(fs.readFileSync(file, 'utf8')) as Topology<{ land: GeometryCollection }>;
    const land = feature(atlas, atlas.objects.land);
    for (const points of [[], [BEIJING]]) {
      const d = geoPath(projectionFor(viewFor(points))).digits(1)(land) ?? '';
      expect(d.length).toBeGreaterThan(5_000);
      expect(d).toMatch(/^M/);
    }
  });
});

describe('place names and sign-in tallies', () => {
  const place = (city: string, countryCode: string, lat: number | null, lon: number | null): PlaceLike => ({
    label: `${city}, somewhere`,
    city,
    region: city,
    countryCode,
    latitude: lat,
    longitude: lon,
  });

  it('names the country in the reader’s language and lists places the locale’s way', () => {
    const beijing = place('Beijing', 'CN', 39.9, 116.4);
    expect(placeName(beijing, 'en-GB')).toBe('Beijing, China');
    expect(placeName(beijing, 'zh-CN')).toBe('Beijing，中国');
    expect(placeName({ ...beijing, countryCode: null }, 'en')).toBe('Beijing, somewhere');
    const local = {
      label: 'Local network',
      city: null,
      region: null,
      countryCode: null,
      latitude: null,
      longitude: null,
    };
    expect(placeName(local, 'zh-CN', '本地网络')).toBe('本地网络');
    expect(placeName(beijing, 'zh-CN', '本地网络')).toBe('Beijing，中国');
    expect(listOf(['A', 'B', 'C'], 'en')).toBe('A, B, and C');
    expect(listOf(['A', 'B', 'C'], 'zh-CN')).toBe('A、B和C');
    expect(pointOf(beijing, 'x', 'request')).toEqual({ lat: 39.9, lon: 116.4, label: 'x', kind: 'request' });
    expect(pointOf(place('Nowhere', 'CN', null, null), 'x', 'request')).toBeNull();
    expect(pointOf(null, 'x', 'request')).toBeNull();
  });

  it('counts sign-ins per place and outcome, leaving out places it cannot draw and other kinds', () => {
    const beijing = place('Beijing', 'CN', 39.9, 116.4);
    const shenzhen = place('Shenzhen', 'CN', 22.5, 114.1);
    const tallies = tallySignInPlaces([
      { kind: 'sign-in.succeeded', place: beijing },
      { kind: 'sign-in.failed', place: shenzhen },
      { kind: 'sign-in.succeeded', place: { ...beijing, label: 'same place' } },
      { kind: 'sign-in.failed', place: beijing },
      { kind: 'sign-in.succeeded', place: place('Local', 'CN', null, null) },
      { kind: 'sign-in.succeeded', place: null },
      { kind: 'password.changed', place: shenzhen },
    ]);
    expect(tallies.map((t) => [t.place.city, t.result, t.count])).toEqual([
      ['Beijing', 'success', 2],
      ['Shenzhen', 'failure', 1],
      ['Beijing', 'failure', 1],
    ]);
    const points = tallyPoints(tallies, (t) => `${t.place.city} ${t.result} ${t.count}`);
    expect(points[0]).toEqual({ lat: 39.9, lon: 116.4, label: 'Beijing success 2', kind: 'success' });
    expect(points.map((p) => p.kind)).toEqual(['success', 'failure', 'failure']);
  });
});
