import {
  forwardRef,
  useCallback,
  useEffect,
  useImperativeHandle,
  useLayoutEffect,
  useRef,
  useState,
  type ReactNode,
  type UIEvent,
} from 'react';

export interface VirtualListHandle {
  element: () => HTMLDivElement | null;
  scrollTo: (offset: number, behavior?: ScrollBehavior) => void;
  /** Scrolls just enough for row `index` to be fully visible. */
  scrollRowIntoView: (index: number) => void;
}

export interface VisibleWindow {
  scrollTop: number;
  viewportHeight: number;
  /** True while the view is moving faster than thumbnails could load (e.g. dragging the scrubber). */
  fast: boolean;
}

interface VirtualListProps {
  /** `offsets[i]` is the top of row i; `offsets[rowCount]` is the total height. */
  offsets: Float64Array;
  rowCount: number;
  renderRow: (index: number, top: number, height: number, fast: boolean) => ReactNode;
  /** Pixels rendered above and below the viewport. */
  overscan?: number;
  className?: string;
  /** Content placed before the rows inside the scroller (e.g. a page heading); its height must be `headerHeight`. */
  header?: ReactNode;
  headerHeight?: number;
  onWindowChange?: (window: VisibleWindow) => void;
  label?: string;
}

/** The last row whose top is at or above `y`. */
export function rowAt(offsets: Float64Array, rowCount: number, y: number): number {
  let lo = 0;
  let hi = rowCount - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((offsets[mid] ?? 0) <= y) lo = mid;
    else hi = mid - 1;
  }
  return Math.max(0, lo);
}

const FAST_PX_PER_FRAME = 2500;

/**
 * Windowing: only the rows near the viewport are in the DOM, each absolutely placed at its offset, so a library of
 * 100,000 photos costs what a screenful costs. Row heights are known up front (the caller's layout), so there is no
 * measuring and no jumping.
 */
export const VirtualList = forwardRef<VirtualListHandle, VirtualListProps>(function VirtualList(
  {
    offsets,
    rowCount,
    renderRow,
    overscan = 600,
    className,
    header,
    headerHeight = 0,
    onWindowChange,
    label,
  },
  ref,
) {
  const scroller = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 800, fast: false });
  const frame = useRef(0);
  const settle = useRef(0);
  const lastTop = useRef(0);

  const measure = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    const top = el.scrollTop;
    const fast = Math.abs(top - lastTop.current) > FAST_PX_PER_FRAME;
    lastTop.current = top;
    setView((v) =>
      v.top === top && v.height === el.clientHeight && v.fast === fast
        ? v
        : { top, height: el.clientHeight, fast },
    );
    window.clearTimeout(settle.current);
    if (fast) {
      settle.current = window.setTimeout(() => setView((v) => (v.fast ? { ...v, fast: false } : v)), 150);
    }
  }, []);

  const onScroll = useCallback(
    (_e: UIEvent) => {
      cancelAnimationFrame(frame.current);
      frame.current = requestAnimationFrame(measure);
    },
    [measure],
  );

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    measure();
    const observer = new ResizeObserver(() => measure());
    observer.observe(el);
    return () => {
      observer.disconnect();
      cancelAnimationFrame(frame.current);
      window.clearTimeout(settle.current);
    };
  }, [measure]);

  useEffect(() => {
    onWindowChange?.({ scrollTop: view.top, viewportHeight: view.height, fast: view.fast });
  }, [view, onWindowChange]);

  useImperativeHandle(
    ref,
    () => ({
      element: () => scroller.current,
      scrollTo(offset, behavior = 'auto') {
        scroller.current?.scrollTo({ top: offset, behavior });
      },
      scrollRowIntoView(index) {
        const el = scroller.current;
        if (!el) return;
        const top = (offsets[index] ?? 0) + headerHeight;
        const bottom = (offsets[index + 1] ?? top) + headerHeight;
        if (top < el.scrollTop) el.scrollTop = top - 8;
        else if (bottom > el.scrollTop + el.clientHeight) el.scrollTop = bottom - el.clientHeight + 8;
      },
    }),
    [offsets, headerHeight],
  );

  const total = offsets[rowCount] ?? 0;
  const from = rowCount === 0 ? 0 : rowAt(offsets, rowCount, view.top - headerHeight - overscan);
  const to = rowCount === 0 ? -1 : rowAt(offsets, rowCount, view.top - headerHeight + view.height + overscan);
  const rows: ReactNode[] = [];
  for (let i = from; i <= to; i++) {
    const top = offsets[i] ?? 0;
    rows.push(renderRow(i, top, (offsets[i + 1] ?? top) - top, view.fast));
  }

  return (
    <div
      ref={scroller}
      className={className}
      onScroll={onScroll}
      aria-label={label}
      role={label ? 'region' : undefined}
    >
      {header}
      <div className="virtual__canvas" style={{ height: total }}>
        {rows}
      </div>
    </div>
  );
});
