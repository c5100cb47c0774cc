import {
  memo,
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type MouseEvent,
  type ReactNode,
} from 'react';
import { mediaUrl } from '../api/client.tsx';
import { Icon } from '../components/Icon.tsx';
import { createStore } from '../components/store.tsx';
import { VirtualList, type VirtualListHandle, type VisibleWindow } from '../components/VirtualList.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { computeLayout, rowGeometry, type Layout, type Row } from './layout.ts';
import type { LibraryItem } from './library.tsx';
import { Scrubber } from './Scrubber.tsx';
import './timeline.css';

const GAP = 4;
const SCRUBBER_GUTTER = 44;

function targetHeightFor(width: number): number {
  if (width < 520) return 104;
  if (width < 960) return 150;
  return 196;
}

interface PhotoGridProps {
  items: readonly LibraryItem[];
  grouping: 'day' | 'none';
  selection: ReadonlySet<string>;
  onSelectionChange: (next: Set<string>) => void;
  onOpen: (id: string) => void;
  /** Shown on each photo (e.g. the days left in the trash). */
  badge?: (item: LibraryItem) => ReactNode;
  /** Content above the photos, scrolled with them; `headerHeight` is its height in pixels. */
  header?: ReactNode;
  headerHeight?: number;
  footer?: ReactNode;
  scrubber?: boolean;
  label: string;
  /** Asks the grid to scroll to this photo (e.g. the one the viewer closed on). */
  reveal?: string | null;
}

/** Photos in justified rows, virtualized, keyboard-navigable (arrow keys, Enter, Space) and multi-selectable. */
export function PhotoGrid(props: PhotoGridProps) {
  const {
    items,
    grouping,
    selection,
    onSelectionChange,
    onOpen,
    badge,
    header,
    headerHeight = 0,
    footer,
  } = props;
  const { t, fmt } = useI18n();
  const list = useRef<VirtualListHandle>(null);
  const [width, setWidth] = useState(0);
  // Scroll position goes to the scrubber only; the grid itself re-renders through the virtual list.
  const windowStore = useMemo(
    () => createStore<VisibleWindow>({ scrollTop: 0, viewportHeight: 0, fast: false }),
    [],
  );
  const [active, setActive] = useState(0);
  const pendingFocus = useRef<number | null>(null);
  const anchor = useRef<number | null>(null);

  useLayoutEffect(() => {
    const el = list.current?.element();
    if (!el) return;
    const observer = new ResizeObserver(() => setWidth(el.clientWidth));
    observer.observe(el);
    setWidth(el.clientWidth);
    return () => observer.disconnect();
  }, []);

  const side = width < 600 ? 12 : 20;
  const contentWidth = Math.max(0, width - side * 2 - (props.scrubber ? SCRUBBER_GUTTER : 0));
  const layout: Layout = useMemo(
    () =>
      computeLayout(items, {
        width: contentWidth,
        targetHeight: targetHeightFor(contentWidth),
        gap: GAP,
        grouping,
      }),
    [items, contentWidth, grouping],
  );
  const footerHeight = footer ? 72 : 0;
  const offsets = useMemo(() => {
    if (!footer) return layout.offsets;
    const extended = new Float64Array(layout.offsets.length + 1);
    extended.set(layout.offsets);
    extended[layout.offsets.length] = (layout.offsets[layout.rows.length] ?? 0) + footerHeight;
    return extended;
  }, [layout, footer, footerHeight]);
  const rowCount = layout.rows.length + (footer ? 1 : 0);

  const activeIndex = Math.min(active, Math.max(0, items.length - 1));

  const focusItem = useCallback(
    (index: number) => {
      if (index < 0 || index >= items.length) return;
      pendingFocus.current = index;
      setActive(index);
      list.current?.scrollRowIntoView(layout.itemRow[index] ?? 0);
    },
    [items.length, layout],
  );

  /** Focuses the photo a key moved to, once its row is in the DOM. */
  const focusPending = useCallback(() => {
    const index = pendingFocus.current;
    if (index === null) return;
    const el = list.current?.element()?.querySelector<HTMLElement>(`[data-index="${index}"]`);
    if (el) {
      el.focus({ preventScroll: true });
      pendingFocus.current = null;
    }
  }, []);
  // A nearby photo is already rendered when the grid re-renders; a far one (End, Home) only once the list has
  // scrolled and rendered the rows of its new window, which it reports through the window store.
  useEffect(focusPending);
  useEffect(() => windowStore.subscribe(focusPending), [windowStore, focusPending]);

  // Reveal only when asked for a new photo, not again on every page that loads afterwards.
  const latest = useRef({ items, layout });
  latest.current = { items, layout };
  useEffect(() => {
    if (!props.reveal) return;
    const { items: current, layout: geometry } = latest.current;
    const index = current.findIndex((item) => item.id === props.reveal);
    if (index >= 0) {
      setActive(index);
      list.current?.scrollRowIntoView(geometry.itemRow[index] ?? 0);
    }
  }, [props.reveal]);

  const toggle = useCallback(
    (index: number, range: boolean) => {
      const next = new Set(selection);
      const id = items[index]?.id;
      if (id === undefined) return;
      if (range && anchor.current !== null) {
        const [a, b] = anchor.current < index ? [anchor.current, index] : [index, anchor.current];
        for (let i = a; i <= b; i++) next.add((items[i] as LibraryItem).id);
      } else if (next.has(id)) next.delete(id);
      else next.add(id);
      anchor.current = index;
      onSelectionChange(next);
    },
    [items, selection, onSelectionChange],
  );

  const toggleDay = useCallback(
    (first: number, count: number) => {
      const ids = items.slice(first, first + count).map((item) => item.id);
      const all = ids.every((id) => selection.has(id));
      const next = new Set(selection);
      for (const id of ids) {
        if (all) next.delete(id);
        else next.add(id);
      }
      onSelectionChange(next);
    },
    [items, selection, onSelectionChange],
  );

  /** The item of the next (or previous) photos row nearest in x to `index`. */
  const verticalNeighbour = useCallback(
    (index: number, direction: 1 | -1): number => {
      const rowIndex = layout.itemRow[index] ?? 0;
      const row = layout.rows[rowIndex];
      if (row?.kind !== 'photos') return index;
      const geometry = rowGeometry(items, row, contentWidth, GAP);
      const cell = geometry[index - row.first];
      const centre = cell ? cell.x + cell.width / 2 : 0;
      for (let r = rowIndex + direction; r >= 0 && r < layout.rows.length; r += direction) {
        const target = layout.rows[r];
        if (target?.kind !== 'photos') continue;
        const cells = rowGeometry(items, target, contentWidth, GAP);
        let best = 0;
        let bestDistance = Infinity;
        cells.forEach((c, k) => {
          const distance = Math.abs(c.x + c.width / 2 - centre);
          if (distance < bestDistance) {
            bestDistance = distance;
            best = k;
          }
        });
        return target.first + best;
      }
      return index;
    },
    [layout, items, contentWidth],
  );

  const onCellKey = useCallback(
    (e: KeyboardEvent, index: number) => {
      const moves: Record<string, () => number> = {
        ArrowRight: () => index + 1,
        ArrowLeft: () => index - 1,
        ArrowDown: () => verticalNeighbour(index, 1),
        ArrowUp: () => verticalNeighbour(index, -1),
        Home: () => 0,
        End: () => items.length - 1,
      };
      const move = moves[e.key];
      if (move) {
        e.preventDefault();
        focusItem(Math.max(0, Math.min(items.length - 1, move())));
        if (e.shiftKey) toggle(Math.max(0, Math.min(items.length - 1, move())), false);
      } else if (e.key === ' ') {
        e.preventDefault();
        toggle(index, e.shiftKey);
      } else if (e.key === 'Escape' && selection.size > 0) {
        e.preventDefault();
        onSelectionChange(new Set());
      }
    },
    [focusItem, verticalNeighbour, items.length, toggle, selection.size, onSelectionChange],
  );

  const onCellClick = useCallback(
    (e: MouseEvent, index: number) => {
      setActive(index);
      const id = items[index]?.id;
      if (id === undefined) return;
      if (selection.size > 0 || e.shiftKey || e.metaKey || e.ctrlKey) toggle(index, e.shiftKey);
      else {
        anchor.current = index;
        onOpen(id);
      }
    },
    [items, selection.size, toggle, onOpen],
  );

  const selecting = selection.size > 0;

  const renderRow = (index: number, top: number, height: number, fast: boolean): ReactNode => {
    const row: Row | undefined = layout.rows[index];
    const style = { top, height, left: side, width: contentWidth };
    if (!row) {
      return (
        <div key="footer" className="grid__footer" style={style}>
          {footer}
        </div>
      );
    }
    if (row.kind === 'month') {
      return (
        <h2 key={`m${row.month}`} className="grid__month" style={style}>
          {fmt.month(row.month)}
        </h2>
      );
    }
    if (row.kind === 'day') {
      const ids = items.slice(row.first, row.first + row.count);
      const all = ids.every((item) => selection.has(item.id));
      const label = fmt.day(row.day);
      return (
        <div key={`d${row.day}-${row.first}`} className="grid__day" style={style}>
          <h3>{label}</h3>
          <button
            type="button"
            className={`day-check${all ? ' is-on' : ''}${selecting ? ' is-visible' : ''}`}
            aria-pressed={all}
            aria-label={t('select.day', { day: label })}
            onClick={() => toggleDay(row.first, row.count)}
          >
            <Icon name="check" width={14} height={14} />
          </button>
        </div>
      );
    }
    const geometry = rowGeometry(items, row, contentWidth, GAP);
    return (
      <div key={`r${row.first}`} className="grid__row" style={style} role="none">
        {geometry.map((cell, k) => {
          const itemIndex = row.first + k;
          const item = items[itemIndex] as LibraryItem;
          return (
            <Cell
              key={item.id}
              item={item}
              index={itemIndex}
              x={cell.x}
              width={cell.width}
              height={row.height}
              selected={selection.has(item.id)}
              selecting={selecting}
              tabbable={itemIndex === activeIndex}
              fast={fast}
              badge={badge?.(item)}
              alt={item.taken ? t('photo.alt', { date: fmt.wallClock(item.taken) }) : t('photo.altNoDate')}
              selectLabel={t('photo.select')}
              onClick={onCellClick}
              onKey={onCellKey}
              onToggle={toggle}
            />
          );
        })}
      </div>
    );
  };

  return (
    <div className={`grid${selecting ? ' grid--selecting' : ''}`}>
      <VirtualList
        ref={list}
        className="grid__scroller"
        offsets={offsets}
        rowCount={rowCount}
        renderRow={renderRow}
        header={header}
        headerHeight={headerHeight}
        onWindowChange={windowStore.set}
        label={props.label}
      />
      {props.scrubber && width > 0 ? (
        <Scrubber
          layout={layout}
          headerHeight={headerHeight}
          view={windowStore}
          onScrollTo={(offset) => list.current?.scrollTo(offset)}
        />
      ) : null}
    </div>
  );
}

interface CellProps {
  item: LibraryItem;
  index: number;
  x: number;
  width: number;
  height: number;
  selected: boolean;
  selecting: boolean;
  tabbable: boolean;
  fast: boolean;
  badge: ReactNode;
  alt: string;
  selectLabel: string;
  onClick: (e: MouseEvent, index: number) => void;
  onKey: (e: KeyboardEvent, index: number) => void;
  onToggle: (index: number, range: boolean) => void;
}

const Cell = memo(function Cell(p: CellProps) {
  return (
    <div
      className={`cell${p.selected ? ' is-selected' : ''}`}
      style={{ left: p.x, width: p.width, height: p.height }}
      role="none"
    >
      <button
        type="button"
        className="cell__open"
        data-index={p.index}
        tabIndex={p.tabbable ? 0 : -1}
        aria-pressed={p.selecting ? p.selected : undefined}
        onClick={(e) => p.onClick(e, p.index)}
        onKeyDown={(e) => p.onKey(e, p.index)}
        onContextMenu={(e) => {
          // A long press on a touch screen selects, as in the phone apps people know.
          const native = e.nativeEvent as Partial<PointerEvent>;
          if (native.pointerType !== 'touch') return;
          e.preventDefault();
          p.onToggle(p.index, false);
        }}
      >
        <Thumb id={p.item.id} alt={p.alt} fast={p.fast} />
        {p.badge ? <span className="cell__badge">{p.badge}</span> : null}
      </button>
      <button
        type="button"
        className="cell__check"
        tabIndex={-1}
        aria-label={p.selectLabel}
        aria-pressed={p.selected}
        onClick={(e) => p.onToggle(p.index, e.shiftKey)}
      >
        <Icon name="check" width={14} height={14} />
      </button>
    </div>
  );
});

const RETRIES = 6;

/** A lazily loaded thumbnail; retries while the server is still making it (just after an upload). */
export const Thumb = memo(function Thumb({ id, alt, fast }: { id: string; alt: string; fast: boolean }) {
  const [attempt, setAttempt] = useState(0);
  const [failed, setFailed] = useState(false);
  const [shown, setShown] = useState(false);
  const timer = useRef(0);
  useEffect(() => () => window.clearTimeout(timer.current), []);

  // While the view flies past (scrubber drag), don't start downloads that would be obsolete a frame later.
  if ((fast && !shown) || failed) {
    return (
      <span className={`thumb thumb--empty${failed ? ' thumb--failed' : ''}`} role="img" aria-label={alt}>
        {failed ? <Icon name="photos" /> : null}
      </span>
    );
  }
  const src = mediaUrl(id, 'thumbnail') + (attempt > 0 ? `&attempt=${attempt}` : '');
  return (
    <img
      className="thumb"
      src={src}
      alt={alt}
      loading="lazy"
      decoding="async"
      draggable={false}
      onLoad={(e) => {
        e.currentTarget.dataset['loaded'] = 'true';
        setShown(true);
      }}
      onError={() => {
        if (attempt >= RETRIES) setFailed(true);
        else timer.current = window.setTimeout(() => setAttempt((a) => a + 1), 1000 * (attempt + 1));
      }}
    />
  );
});
