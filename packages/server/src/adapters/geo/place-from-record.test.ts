import { describe, expect, it } from 'vitest';
import { CITY_ACCURACY_KM, placeFromRecord, REGION_ACCURACY_KM } from './place-from-record.ts';

// The bundled file is flat; these records pin the other shapes the mapper accepts for an operator-supplied file.
describe('placeFromRecord', () => {
  it('maps MaxMind nested GeoIP2 City records, keeping their own accuracy radius', () => {
    const record = {
      city: { names: { en: 'Shenzhen', 'zh-CN': '深圳市' } },
      subdivisions: [{ iso_code: 'GD', names: { en: 'Guangdong' } }],
      country: { iso_code: 'CN', names: { en: 'China' } },
      location: { latitude: 22.5431, longitude: 114.0579, accuracy_radius: 20 },
    };
    expect(placeFromRecord(record)).toEqual({
      label: 'Shenzhen, Guangdong, China',
      city: 'Shenzhen',
      region: 'Guangdong',
      country: 'China',
      countryCode: 'CN',
      latitude: 22.5431,
      longitude: 114.0579,
      accuracyKm: 20,
    });
  });

  it('gives a country-only answer no accuracy, since its point is a centroid', () => {
    const place = placeFromRecord({
      country: { iso_code: 'DE' },
      location: { latitude: 51, longitude: 9, accuracy_radius: 1000 },
    });
    expect(place).toMatchObject({ label: 'Germany', country: 'Germany', city: null, accuracyKm: null });
  });

  it('defaults the radius by what is known in flat records', () => {
    const flat = { country_code: 'fr', latitude: 48.8566, longitude: 2.3522 };
    expect(placeFromRecord({ ...flat, city: 'Paris (Louvre)', state1: 'Ile-de-France' })).toMatchObject({
      label: 'Paris, Ile-de-France, France',
      city: 'Paris',
      countryCode: 'FR',
      accuracyKm: CITY_ACCURACY_KM,
    });
    expect(placeFromRecord({ ...flat, state1: 'Ile-de-France' })?.accuracyKm).toBe(REGION_ACCURACY_KM);
    expect(placeFromRecord({ ...flat, city: '' })?.accuracyKm).toBeNull();
  });

  it('treats 0,0 and out-of-range coordinates as unknown', () => {
    expect(placeFromRecord({ country_code: 'US', city: 'Nowhere', latitude: 0, longitude: 0 })).toMatchObject(
      { latitude: null, longitude: null, accuracyKm: null },
    );
    expect(
      placeFromRecord({ country_code: 'US', city: 'Nowhere', latitude: 91, longitude: 10 })?.latitude,
    ).toBeNull();
  });

  it('answers null for records that name no place', () => {
    for (const record of [
      null,
      undefined,
      'Paris',
      42,
      [],
      {},
      { country_code: 'ZZ' },
      { latitude: 1, longitude: 2 },
      { city: { names: {} } },
    ]) {
      expect(placeFromRecord(record)).toBeNull();
    }
  });
});
