import type { Schemas } from '../api/client.tsx';
import { pointOf } from './place-names.ts';
import { usePlaceName } from './usePlaceName.tsx';
import { WorldMap } from './WorldMap.tsx';
import type { MapPointKind } from './world-map-geometry.ts';

/** One IP-derived place on a small map, or nothing when the IP database gave no coordinates. */
export function PlaceMap({
  place,
  title,
  kind = 'place',
  className,
}: {
  place: Schemas['Place'];
  title: string;
  kind?: MapPointKind;
  className?: string;
}) {
  const nameOf = usePlaceName();
  const point = place ? pointOf(place, nameOf(place), kind) : null;
  if (!point) return null;
  return <WorldMap points={[point]} title={title} compact className={className} />;
}
