import { useMemo } from 'react';
import type { Schemas } from '../api/client.tsx';
import { usePlaceName } from '../components/usePlaceName.tsx';
import { WorldMap } from '../components/WorldMap.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { tallyPoints, tallySignInPlaces } from './sign-in-places.ts';

/** The places of the listed sign-ins on a world map drawn in the browser: successes as dots, failures as crosses. */
export function SignInMap({ items }: { items: readonly Schemas['ActivityItem'][] }) {
  const { t, tn } = useI18n();
  const nameOf = usePlaceName();
  const points = useMemo(
    () =>
      tallyPoints(tallySignInPlaces(items), (tally) =>
        tn(`map.activity.${tally.result}`, tally.count, { place: nameOf(tally.place) }),
      ),
    [items, tn, nameOf],
  );
  return (
    <div className="sign-in-map" data-testid="sign-in-map">
      <h3>{t('map.activity.heading')}</h3>
      {points.length > 0 ? (
        <>
          <WorldMap points={points} title={t('map.activity.title')} legend />
          <p className="field__hint">{t('map.approximate')}</p>
        </>
      ) : (
        <p className="field__hint">{t('map.activity.none')}</p>
      )}
    </div>
  );
}
