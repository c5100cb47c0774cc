import { useCallback } from 'react';
import { useI18n } from '../i18n/i18n.tsx';
import { placeName, type PlaceLike } from './place-names.ts';

/** `placeName` in the reader's language, the local network included. */
export function usePlaceName(): (place: PlaceLike) => string {
  const { t, locale } = useI18n();
  return useCallback((place) => placeName(place, locale, t('map.localNetwork')), [t, locale]);
}
