/**
 * The viewer's GPS place without a browser: the country found offline (d3-geo's geoContains over world-atlas's
 * 1:110m countries) for real GPS coordinates from the photo corpus, and none for points at sea.
 */
import { createRequire } from 'node:module';
import { feature } from 'topojson-client';
import { describe, expect, it } from 'vitest';
import { readManifest } from '../../server/test/support/corpus.ts';
import { alpha2Of } from '../src/viewer/country-codes.ts';
import { countryLookup, type CountriesAtlas } from '../src/viewer/country-lookup.ts';
import { countryName } from '../src/viewer/country-name.ts';

// The outline the app bundles (gps-place.ts imports it with Vite's `?raw`), read here from node_modules.
const atlas = createRequire(import.meta.url)('world-atlas/countries-50m.json') as CountriesAtlas;
const countryAt = countryLookup(atlas);

/** corpus path → [latitude, longitude], from the GPSLatitude and GPSLongitude columns of MANIFEST.tsv. */
function corpusGps(): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  for (const row of readManifest()) {
    if (row.gpsLatitude && row.gpsLongitude) {
      out.set(row.path, [Number(row.gpsLatitude), Number(row.gpsLongitude)]);
    }
  }
  return out;
}

describe('countryAt over the corpus’s GPS points', () => {
  const gps = corpusGps();
  const at = (file: string): [number, number] => {
    const point = gps.get(file);
    if (!point) throw new Error(`no GPS for ${file} in MANIFEST.tsv`);
    return point;
  };

  // Points well inside their country (tens of kilometres from any border or coast).
  it.each([
    ['cameras/fujifilm-finepix-s2pro-gps.jpg', 'FR'], // Paris, by the Eiffel Tower
    ['phones/google-pixel8pro-8x8.jpg', 'ES'], // Madrid
    ['cameras/ricoh-caplio-pro-g3-gps-8x8.jpg', 'ES'], // Aragon, near Huesca
    ['cameras/sony-dsc-hx5v-gps.jpg', 'DE'], // Westphalia, near Gütersloh
    ['phones/google-pixel-IMG_20180725_163423-tiny.jpg', 'CZ'], // Central Bohemia, near Mladá Boleslav
    ['phones/apple-iphone4.jpg', 'IT'], // Rome
    ['phones/htc-desire.jpg', 'IT'], // Milan
    ['phones/apple-iphone7-8x8.jpg', 'GB'], // Sheffield
    ['phones/oppo-R7plusf.jpg', 'NO'], // southern Norway’s interior
    ['phones/apple-iphone11-IMG_5813.JPG', 'US'], // Bellevue, Washington
    ['cameras/kodak-cx7530-gps-near-equator.jpg', 'KE'], // Rift Valley, south of the equator
    ['heic/apple-iphone11pro-exif-at-eof.heic', 'MN'], // near Ulaanbaatar
    ['phones/huawei-LYA-AL00.jpg', 'CN'], // southern Hunan
  ])('%s is in %s', (file, code) => {
    const [latitude, longitude] = at(file);
    expect(countryAt(latitude, longitude)).toBe(code);
  });

  // On the real coast, but "at sea" on the simplified 1:110m outline: the coast within 22 km names the country.
  it.each([
    ['cameras/gopro-hero6-8x8.jpg', 'US'], // Brooklyn
    ['heic/oneplus13-gps.heic', 'CN'], // Dalian
  ])('%s, on a coast the outline simplifies, is in %s', (file, code) => {
    const [latitude, longitude] = at(file);
    expect(countryAt(latitude, longitude)).toBe(code);
  });

  it('names no country at sea', () => {
    // The corpus's "no fix" 0,0 (Gulf of Guinea) and a point in the Bohai Sea, ~50 km from any shore.
    expect(countryAt(...at('tricky/samsung-GT-I9000-gps-0-0-o6.jpg'))).toBeNull();
    expect(countryAt(...at('malformed/openharmony-tiff-named-jpg-bad-offsets.jpg'))).toBeNull();
    expect(countryAt(30, -40)).toBeNull(); // mid-Atlantic
    expect(countryAt(40.4000694, 3.7146472)).toBeNull(); // Madrid's point mirrored east: north of Menorca
    expect(countryAt(0, -150)).toBeNull(); // mid-Pacific
    expect(countryAt(36, 14.5)).toBeNull(); // between Sicily and Malta (Malta is not in the outline)
    expect(countryAt(65.75, -168.9)).toBeNull(); // mid Bering Strait (the Diomedes are not in the outline)
  });

  it('names no country for what is not a place', () => {
    expect(countryAt(Number.NaN, 0)).toBeNull();
    expect(countryAt(91, 0)).toBeNull();
    expect(countryAt(0, 181)).toBeNull();
  });

  it('finds a country across the antimeridian (Russia’s Chukotka)', () => {
    expect(countryAt(66, -175)).toBe('RU');
    expect(countryAt(66, 175)).toBe('RU');
  });
});

describe('the numeric → alpha-2 table', () => {
  it('covers every numbered shape in the outline, each with a code the browser can name', () => {
    const ids = feature(atlas, atlas.objects.countries)
      .features.map((f) => f.id)
      .filter((id): id is string => id !== undefined);
    expect(ids.length).toBeGreaterThan(170);
    const english = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
    for (const id of ids) {
      const code = alpha2Of(String(id));
      expect(code, id).toMatch(/^[A-Z]{2}$/);
      expect(english.of(code as string), id).toBeTruthy();
    }
    expect([alpha2Of('840'), alpha2Of('724'), alpha2Of('156'), alpha2Of('250')]).toEqual([
      'US',
      'ES',
      'CN',
      'FR',
    ]);
    expect(alpha2Of('999')).toBeNull();
  });

  it('names the country in the reader’s language', () => {
    expect(countryName('ES', 'en')).toBe('Spain');
    expect(countryName('ES', 'zh-CN')).toBe('西班牙');
  });
});

describe('near borders and small states (1:50m)', () => {
  // The 1:110m outline named each of these as its neighbour (Geneva in France, Singapore in Malaysia, Kos in
  // Turkey, North Nicosia in Cyprus): each must now be its own country or no country at all.
  it.each([
    ['Geneva', 46.2044, 6.1432, 'CH'],
    ['Singapore', 1.2903, 103.8519, 'SG'],
    ['Monaco', 43.7384, 7.4246, 'MC'],
    ['Vatican', 41.9029, 12.4534, 'VA'],
    ['San Marino', 43.9424, 12.4578, 'SM'],
    ['Vaduz', 47.141, 9.5215, 'LI'],
    ['Andorra la Vella', 42.5063, 1.5218, 'AD'],
    ['Kos', 36.8933, 27.2877, 'GR'],
    ['Lesbos', 39.1, 26.55, 'GR'],
    ['Windsor, Ontario', 42.3149, -83.0364, 'CA'],
    ['Batam', 1.0456, 104.0305, 'ID'],
  ])('%s is %s or unnamed, never a neighbour', (_name, latitude, longitude, own) => {
    const found = countryAt(latitude, longitude);
    expect([own, null]).toContain(found);
  });

  it.each([
    ['North Nicosia', 35.19, 33.36],
    ['Kyrenia', 35.34, 33.32],
    // Exclaves the outline draws inside a neighbour.
    ['Ceuta', 35.889, -5.321],
    ['Melilla', 35.292, -2.938],
    ['Gibraltar', 36.1408, -5.3536],
    ['Point Roberts', 48.985, -123.067],
  ])('%s, in a shape left unnamed or an exclave, names no country', (_name, latitude, longitude) => {
    expect(countryAt(latitude, longitude)).toBeNull();
  });
});
