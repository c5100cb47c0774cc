import { useCallback, useMemo, useRef, useState, type PointerEvent } from 'react';
import type { VisibleWindow } from '../components/VirtualList.tsx';
import { useStore, type Store } from '../components/store.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import type { Layout } from './layout.ts';

interface ScrubberProps {
  layout: Layout;
  headerHeight: number;
  view: Store<VisibleWindow>;
  onScrollTo: (offset: number) => void;
}

const LABEL_SPACING = 22;

/**
 * The year rail at the right edge: years sit where they are in the library, a drag scrolls through it in
 * proportion, and each year is a button for keyboard users.
 */
export function Scrubber({ layout, headerHeight, view, onScrollTo }: ScrubberProps) {
  const { t, fmt } = useI18n();
  const { scrollTop, viewportHeight } = useStore(view);
  const track = useRef<HTMLDivElement>(null);
  const [hover, setHover] = useState<{ y: number; label: string } | null>(null);
  const dragging = useRef(false);

  // The rail's height is what the stylesheet leaves it (less while the selection bar covers the grid's top).
  const [railHeight, setRailHeight] = useState<number | null>(null);
  const railObserver = useRef<ResizeObserver | null>(null);
  const rail = useCallback((el: HTMLElement | null) => {
    railObserver.current?.disconnect();
    railObserver.current = null;
    if (!el) return;
    const measure = () => setRailHeight(el.clientHeight);
    railObserver.current = new ResizeObserver(measure);
    railObserver.current.observe(el);
    measure();
  }, []);

  const total = headerHeight + (layout.offsets[layout.rows.length] ?? 0);
  const maxScroll = Math.max(1, total - viewportHeight);
  const trackHeight = Math.max(0, railHeight ?? viewportHeight - 32);

  /** For each row, the month it belongs to (the nearest month heading above it). */
  const monthOfRow = useMemo(() => {
    const months: string[] = [];
    let current = '';
    for (const row of layout.rows) {
      if (row.kind === 'month') current = row.month;
      months.push(current);
    }
    return months;
  }, [layout]);

  const years = useMemo(() => {
    const shown: { year: string; offset: number; y: number }[] = [];
    for (const { year, row } of layout.years) {
      const offset = headerHeight + (layout.offsets[row] ?? 0);
      const y = Math.min(1, offset / maxScroll) * trackHeight;
      const previous = shown[shown.length - 1];
      if (previous && y - previous.y < LABEL_SPACING) continue;
      shown.push({ year, offset, y });
    }
    return shown;
  }, [layout, headerHeight, maxScroll, trackHeight]);

  // A library that fits in a few screens needs no rail.
  if (total < viewportHeight * 4 || layout.years.length === 0) return null;

  const offsetAt = (clientY: number): { offset: number; y: number } => {
    const rect = track.current?.getBoundingClientRect();
    const y = rect ? Math.min(Math.max(clientY - rect.top, 0), rect.height) : 0;
    return { offset: (y / Math.max(1, trackHeight)) * maxScroll, y };
  };

  const labelAt = (offset: number): string => {
    const offsets = layout.offsets;
    const target = offset - headerHeight;
    let lo = 0;
    let hi = layout.rows.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((offsets[mid] ?? 0) <= target) lo = mid;
      else hi = mid - 1;
    }
    const month = monthOfRow[Math.max(0, lo)];
    return month ? fmt.month(month) : '';
  };

  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    const { offset, y } = offsetAt(e.clientY);
    setHover({ y, label: labelAt(offset) });
    if (dragging.current) onScrollTo(offset);
  };

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if ((e.target as HTMLElement).closest('button')) return;
    dragging.current = true;
    e.currentTarget.setPointerCapture(e.pointerId);
    onScrollTo(offsetAt(e.clientY).offset);
  };

  const stop = () => {
    dragging.current = false;
  };

  const thumbY = Math.min(1, scrollTop / maxScroll) * trackHeight;

  return (
    <nav ref={rail} className="scrubber" aria-label={t('timeline.years')}>
      <div
        ref={track}
        className="scrubber__track"
        style={{ height: trackHeight }}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={stop}
        onPointerCancel={stop}
        onPointerLeave={() => {
          if (!dragging.current) setHover(null);
        }}
      >
        <div
          className="scrubber__thumb"
          style={{ transform: `translateY(${thumbY}px)` }}
          aria-hidden="true"
        />
        {years.map(({ year, offset, y }) => (
          <button
            key={year}
            type="button"
            className="scrubber__year"
            style={{ top: y }}
            onClick={() => onScrollTo(offset)}
          >
            {year}
          </button>
        ))}
        {hover ? (
          <div
            className="scrubber__hover"
            style={{ transform: `translateY(${hover.y}px)` }}
            aria-hidden="true"
          >
            {hover.label}
          </div>
        ) : null}
      </div>
    </nav>
  );
}
