// The GPS place, found offline: this module (d3-geo, topojson and the outline of the world's countries) is loaded on
// demand by useGpsCountry.ts, never with the app itself.
// Natural Earth 1:110m, the outline the offline maps draw (WorldMapSvg.tsx): one copy of it in the bundle.
import atlasText from 'world-atlas/countries-110m.json?raw';
import { countryLookup, type CountriesAtlas, type CountryAt } from './country-lookup.ts';

let lookup: CountryAt | null = null;

/** The ISO 3166-1 alpha-2 code of the country a GPS point falls in, or null (see country-lookup.ts). */
export const countryAt: CountryAt = (latitude, longitude) => {
  lookup ??= countryLookup(JSON.parse(atlasText) as CountriesAtlas);
  return lookup(latitude, longitude);
};
