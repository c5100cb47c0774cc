// The GPS place, found offline: this module (d3-geo, topojson and the outline of the world's countries) is loaded on
// demand by useGpsCountry.ts, never with the app itself.
// Natural Earth 1:50m (236 KB gzipped, loaded only when a photo with GPS is shown): the maps' 1:110m outline puts
// Geneva in France and Singapore in Malaysia.
import atlasText from 'world-atlas/countries-50m.json?raw';
import { countryLookup, type CountriesAtlas, type CountryAt } from './country-lookup.ts';

let lookup: CountryAt | null = null;

/** The ISO 3166-1 alpha-2 code of the country a GPS point falls in, or null (see country-lookup.ts). */
export const countryAt: CountryAt = (latitude, longitude) => {
  lookup ??= countryLookup(JSON.parse(atlasText) as CountriesAtlas);
  return lookup(latitude, longitude);
};
