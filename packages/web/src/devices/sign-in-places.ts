import type { PlaceLike } from '../components/place-names.ts';
import type { MapPoint } from '../components/world-map-geometry.ts';

interface Activity {
  kind: string;
  place: PlaceLike | null;
}

export interface PlaceTally {
  place: PlaceLike;
  result: 'success' | 'failure';
  count: number;
}

const RESULT: Record<string, PlaceTally['result'] | undefined> = {
  'sign-in.succeeded': 'success',
  'sign-in.failed': 'failure',
};

/**
 * Sign-ins counted per place and outcome, in order of first appearance: one marker per place for the successes and
 * one for the failures. Places without coordinates (local network, country-only answers) cannot be drawn.
 */
export function tallySignInPlaces(items: readonly Activity[]): PlaceTally[] {
  const tallies = new Map<string, PlaceTally>();
  for (const item of items) {
    const result = RESULT[item.kind];
    const place = item.place;
    if (!result || !place || place.latitude === null || place.longitude === null) continue;
    const key = `${result} ${place.latitude.toFixed(2)} ${place.longitude.toFixed(2)}`;
    const tally = tallies.get(key);
    if (tally) tally.count++;
    else tallies.set(key, { place, result, count: 1 });
  }
  return [...tallies.values()];
}

/** The tallies as map points, labelled by `label` (which words the place and count in the reader's language). */
export function tallyPoints(
  tallies: readonly PlaceTally[],
  label: (tally: PlaceTally) => string,
): MapPoint[] {
  return tallies.map((tally) => ({
    lat: tally.place.latitude ?? 0,
    lon: tally.place.longitude ?? 0,
    label: label(tally),
    kind: tally.result,
  }));
}
