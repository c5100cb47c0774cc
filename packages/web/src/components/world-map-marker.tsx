import type { MapPointKind } from './world-map-geometry.ts';

/**
 * What happened at a place, as a shape and not only a colour: a dot for a success or a place, a cross for a
 * failure, a ringed dot for a device asking to join. Drawn centred on (0, 0).
 */
export function MarkerShape({ kind }: { kind: MapPointKind }) {
  if (kind === 'failure') {
    return (
      <g className="world-map__shape world-map__shape--failure">
        <path d="M-5 -5L5 5M5 -5L-5 5" className="world-map__halo" />
        <path d="M-5 -5L5 5M5 -5L-5 5" />
      </g>
    );
  }
  if (kind === 'request') {
    return (
      <g className="world-map__shape world-map__shape--request">
        <circle r="10" className="world-map__ring" />
        <circle r="5" />
      </g>
    );
  }
  return (
    <g className={`world-map__shape world-map__shape--${kind}`}>
      <circle r="5" />
    </g>
  );
}

/** The shape alone, for a legend beside the map. */
export function MarkerSymbol({ kind }: { kind: MapPointKind }) {
  return (
    <svg className="world-map__symbol" viewBox="-12 -12 24 24" width="16" height="16" aria-hidden="true">
      <MarkerShape kind={kind} />
    </svg>
  );
}
