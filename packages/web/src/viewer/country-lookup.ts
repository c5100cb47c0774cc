// Which country a GPS point falls in, from a world-atlas countries topology. Free of Vite's `?raw` imports so the
// unit tests can feed it the atlas from node_modules; gps-place.ts binds it to the bundled 1:50m outline.
import { geoBounds, geoContains } from 'd3-geo';
import { feature } from 'topojson-client';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { alpha2Of } from './country-codes.ts';

export type CountriesAtlas = Topology<{ countries: GeometryCollection<{ name: string }> }>;

interface Country {
  /** null: a shape this app does not name (a disputed one), which still stops a guess near it. */
  code: string | null;
  shape: Feature<Geometry, { name: string }>;
  /** geoBounds: west > east when the shape crosses the antimeridian (Russia, Fiji). */
  bounds: [[number, number], [number, number]];
}

// Shapes without a numeric ISO id. Kosovo has the code CLDR names it by, and Australia's Indian Ocean territories
// (Christmas Island, Cocos) are Australia; the others (N. Cyprus, Somaliland, Siachen Glacier) are left unnamed (just
// the coordinates) rather than given a side in a dispute, and a point near one of them names no country either.
const UNNUMBERED: Readonly<Record<string, string>> = { Kosovo: 'XK', 'Indian Ocean Ter.': 'AU' };

// Exclaves and small territories 1:50m draws as part of a neighbour: near one, no country is named.
const ENCLAVES: readonly (readonly [number, number])[] = [
  [35.889, -5.321], // Ceuta (ES, drawn in Morocco)
  [35.292, -2.938], // Melilla (ES)
  [36.14, -5.353], // Gibraltar (GB, drawn in Spain)
  [42.431, 1.98], // Llívia (ES, drawn in France)
  [48.985, -123.067], // Point Roberts (US, drawn in Canada)
  [47.696, 8.69], // Büsingen (DE, drawn in Switzerland)
  [45.968, 8.973], // Campione d'Italia (IT, drawn in Switzerland)
  [51.44, 4.928], // Baarle (BE/NL)
];
const ENCLAVE_KM = 10;

function countriesOf(atlas: CountriesAtlas): Country[] {
  const shapes = feature(atlas, atlas.objects.countries) as FeatureCollection<Geometry, { name: string }>;
  const countries: Country[] = [];
  for (const shape of shapes.features) {
    const code =
      shape.id !== undefined ? alpha2Of(String(shape.id)) : (UNNUMBERED[shape.properties.name] ?? null);
    countries.push({ code, shape, bounds: geoBounds(shape) });
  }
  return countries;
}

function inBounds([[west, south], [east, north]]: Country['bounds'], lon: number, lat: number): boolean {
  if (lat < south || lat > north) return false;
  return west <= east ? lon >= west && lon <= east : lon >= west || lon <= east;
}

/** The country holding a point: its code, UNNAMED for a shape left unnamed, or null at sea. */
const UNNAMED = '';
function containing(countries: readonly Country[], lon: number, lat: number): string | null {
  const point: [number, number] = [lon, lat];
  for (const country of countries) {
    if (inBounds(country.bounds, lon, lat) && geoContains(country.shape, point))
      return country.code ?? UNNAMED;
  }
  return null;
}

const EARTH_KM = 6371;
const toRad = Math.PI / 180;

/** Great-circle distance in km. */
function kmBetween(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const a =
    Math.sin(((lat2 - lat1) * toRad) / 2) ** 2 +
    Math.cos(lat1 * toRad) * Math.cos(lat2 * toRad) * Math.sin(((lon2 - lon1) * toRad) / 2) ** 2;
  return 2 * EARTH_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** The point `km` away along `bearing` (radians), as [lon, lat] in degrees. */
function destination(lat: number, lon: number, km: number, bearing: number): [number, number] {
  const d = km / EARTH_KM;
  const φ = lat * toRad;
  const φ2 = Math.asin(Math.sin(φ) * Math.cos(d) + Math.cos(φ) * Math.sin(d) * Math.cos(bearing));
  const λ2 =
    lon * toRad +
    Math.atan2(Math.sin(bearing) * Math.sin(d) * Math.cos(φ), Math.cos(d) - Math.sin(φ) * Math.sin(φ2));
  const wrapped = ((((λ2 / toRad + 180) % 360) + 360) % 360) - 180;
  return [wrapped, φ2 / toRad];
}

// The 1:50m outline is simplified by a few kilometres, so a point is named only when every point of two rings
// around it (2 and 5 km) is in the same country or at sea: near a border, or near a shape left unnamed, the outline
// cannot say which side it is on, and the place stays coordinates. A point at sea within 5 km of one country's coast
// (a harbour, a beach the outline cuts off) takes that country.
const RINGS_KM = [2, 5];
const BEARINGS = 16;

function countryIn(countries: readonly Country[], latitude: number, longitude: number): string | null {
  if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) return null;
  if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180) return null;
  if (ENCLAVES.some(([lat, lon]) => kmBetween(latitude, longitude, lat, lon) < ENCLAVE_KM)) return null;
  const found = new Set<string>();
  const centre = containing(countries, longitude, latitude);
  if (centre !== null) found.add(centre);
  for (const km of RINGS_KM)
    for (let i = 0; i < BEARINGS; i++) {
      const [lon, lat] = destination(latitude, longitude, km, (2 * Math.PI * i) / BEARINGS);
      const code = containing(countries, lon, lat);
      if (code !== null) found.add(code);
    }
  const [only] = found;
  return found.size === 1 && only !== undefined && only !== UNNAMED ? only : null;
}

/**
 * A function giving the ISO 3166-1 alpha-2 code of the country whose 1:50m outline holds a point with 5 km to spare
 * (or whose coast is within 5 km of it), or null at sea, near a border, on an island the outline leaves out, or for a
 * point that is not a place. Nothing finer than a country: the outline supports no more.
 */
export function countryLookup(atlas: CountriesAtlas): CountryAt {
  const countries = countriesOf(atlas);
  return (latitude, longitude) => countryIn(countries, latitude, longitude);
}

export type CountryAt = (latitude: number, longitude: number) => string | null;
