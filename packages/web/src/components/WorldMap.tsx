import { useEffect, useMemo, useState, type ComponentType } from 'react';
import { useI18n } from '../i18n/i18n.tsx';
import { listOf } from './place-names.ts';
import { isPlaced, type MapPoint, type MapPointKind } from './world-map-geometry.ts';
import { MarkerSymbol } from './world-map-marker.tsx';
import './world-map.css';

export type { MapPoint, MapPointKind } from './world-map-geometry.ts';

type Drawing = ComponentType<{ points: readonly MapPoint[]; label: string; markerScale?: number }>;

// d3-geo, topojson and the outline of the world (~60 KB gzipped) load on first use, never with the app itself.
let loading: Promise<Drawing> | null = null;
const loadDrawing = (): Promise<Drawing> => {
  loading ??= import('./WorldMapSvg.tsx').then((m) => m.default);
  void loading.catch(() => {
    loading = null;
  });
  return loading;
};

const MAX_LISTED = 8;

export interface WorldMapProps {
  points: readonly MapPoint[];
  /** What the map shows ("Where the new device is"); the places follow it in the map's accessible name. */
  title: string;
  /** A key to the marker shapes present (success, failure…), for maps with more than one kind. */
  legend?: boolean;
  /** Drawn a third of the full width or less (the approval prompt): markers grow to stay visible. */
  compact?: boolean;
  className?: string;
}

/**
 * A small world map drawn offline from Natural Earth's outline, with one marker per point; it zooms to the points
 * when they are close together. To assistive technology it is one image named after the places it marks.
 */
export function WorldMap({ points, title, legend = false, compact = false, className }: WorldMapProps) {
  const { t, locale } = useI18n();
  const [Drawing, setDrawing] = useState<Drawing | null>(null);
  const [failed, setFailed] = useState(false);
  const placed = useMemo(() => points.filter(isPlaced), [points]);

  useEffect(() => {
    let live = true;
    loadDrawing()
      .then((component) => {
        if (live) setDrawing(() => component);
      })
      .catch(() => {
        if (live) setFailed(true);
      });
    return () => {
      live = false;
    };
  }, []);

  const labels = [...new Set(placed.map((p) => p.label))];
  const shown = labels.length > MAX_LISTED ? labels.slice(0, MAX_LISTED - 1) : labels;
  if (shown.length < labels.length) shown.push(t('map.more', { count: labels.length - shown.length }));
  const label = placed.length
    ? t('map.label', { title, places: listOf(shown, locale) })
    : t('map.empty', { title });
  const kinds = [...new Set(placed.map((p) => p.kind ?? 'place'))] as MapPointKind[];

  return (
    <figure className={`world-map${className ? ` ${className}` : ''}`}>
      {Drawing && !failed ? (
        <Drawing points={placed} label={label} markerScale={compact ? 2.5 : 1} />
      ) : (
        <div className="world-map__placeholder" role="img" aria-label={label} aria-busy={!failed} />
      )}
      {legend && kinds.length > 0 ? (
        <figcaption className="world-map__legend">
          {kinds.map((kind) => (
            <span key={kind} className="world-map__key">
              <MarkerSymbol kind={kind} />
              {t(`map.kind.${kind}`)}
            </span>
          ))}
        </figcaption>
      ) : null}
    </figure>
  );
}
