import { useEffect, useState } from 'react';
import type { CountryAt } from './country-lookup.ts';

// The outline of the world's countries and d3-geo load on first use, never with the app itself (see gps-place.ts).
let loading: Promise<CountryAt> | null = null;
const loadCountryAt = (): Promise<CountryAt> => {
  loading ??= import('./gps-place.ts').then((m) => m.countryAt);
  void loading.catch(() => {
    loading = null;
  });
  return loading;
};

/**
 * The ISO 3166-1 alpha-2 code of the country a GPS point falls in, found offline: undefined while the outline
 * loads, null at sea, off the outline, or when it fails to load.
 */
export function useGpsCountry(
  gps: { latitude: number; longitude: number } | null,
): string | null | undefined {
  const latitude = gps?.latitude;
  const longitude = gps?.longitude;
  const key = gps ? `${latitude},${longitude}` : null;
  const [found, setFound] = useState<{ key: string; code: string | null } | null>(null);

  useEffect(() => {
    if (key === null || latitude === undefined || longitude === undefined) return;
    let live = true;
    loadCountryAt()
      .then((countryAt) => {
        if (live) setFound({ key, code: countryAt(latitude, longitude) });
      })
      .catch(() => {
        if (live) setFound({ key, code: null });
      });
    return () => {
      live = false;
    };
  }, [key, latitude, longitude]);

  if (key === null) return null;
  return found?.key === key ? found.code : undefined;
}
