/**
 * The timeline's geometry, computed from the items alone (no DOM): justified rows of photos under month and day
 * headings. Pure and O(n), so 100,000 photos lay out in a few milliseconds and the virtual list never measures.
 */

export interface LayoutItem {
  /** Width / height of the upright image; 1 when unknown. */
  aspect: number;
  /** `YYYY-MM-DD`: the day the photo belongs to. */
  day: string;
}

export type Row =
  | { kind: 'month'; month: string }
  | { kind: 'day'; day: string; first: number; count: number }
  | { kind: 'photos'; first: number; count: number; height: number; justified: boolean };

export interface LayoutOptions {
  width: number;
  targetHeight: number;
  gap: number;
  /** `day`: month and day headings; `none`: one flat run of photos. */
  grouping: 'day' | 'none';
  monthHeight?: number;
  dayHeight?: number;
}

export interface Layout {
  rows: Row[];
  /** Top of each row; the last entry is the total height. */
  offsets: Float64Array;
  /** The photos row each item is in. */
  itemRow: Int32Array;
  /** The first row of each year, newest first. */
  years: { year: string; row: number }[];
}

const MIN_ASPECT = 0.5;
const MAX_ASPECT = 2.5;

export function clampAspect(aspect: number): number {
  if (!Number.isFinite(aspect) || aspect <= 0) return 1;
  return Math.min(MAX_ASPECT, Math.max(MIN_ASPECT, aspect));
}

export function computeLayout(items: readonly LayoutItem[], options: LayoutOptions): Layout {
  const { width, targetHeight, gap, grouping } = options;
  const monthHeight = options.monthHeight ?? 64;
  const dayHeight = options.dayHeight ?? 44;
  const rows: Row[] = [];
  const heights: number[] = [];
  const itemRow = new Int32Array(items.length);
  const years: { year: string; row: number }[] = [];
  const usable = Math.max(width, 1);

  const pushRow = (row: Row, height: number) => {
    rows.push(row);
    heights.push(height);
  };

  /** Lays out items [start, end) as justified rows. */
  const justify = (start: number, end: number) => {
    let rowStart = start;
    let aspectSum = 0;
    for (let i = start; i < end; i++) {
      aspectSum += clampAspect(items[i]?.aspect ?? 1);
      const count = i - rowStart + 1;
      const naturalWidth = aspectSum * targetHeight + gap * (count - 1);
      if (naturalWidth >= usable) {
        const height = (usable - gap * (count - 1)) / aspectSum;
        const rowIndex = rows.length;
        for (let k = rowStart; k <= i; k++) itemRow[k] = rowIndex;
        pushRow({ kind: 'photos', first: rowStart, count, height, justified: true }, height + gap);
        rowStart = i + 1;
        aspectSum = 0;
      }
    }
    if (rowStart < end) {
      const rowIndex = rows.length;
      for (let k = rowStart; k < end; k++) itemRow[k] = rowIndex;
      pushRow(
        { kind: 'photos', first: rowStart, count: end - rowStart, height: targetHeight, justified: false },
        targetHeight + gap,
      );
    }
  };

  if (grouping === 'none') {
    justify(0, items.length);
  } else {
    let month = '';
    let start = 0;
    while (start < items.length) {
      const day = items[start]?.day ?? '';
      let end = start + 1;
      while (end < items.length && items[end]?.day === day) end++;
      const thisMonth = day.slice(0, 7);
      if (thisMonth !== month) {
        if (thisMonth.slice(0, 4) !== month.slice(0, 4))
          years.push({ year: thisMonth.slice(0, 4), row: rows.length });
        month = thisMonth;
        pushRow({ kind: 'month', month }, monthHeight);
      }
      pushRow({ kind: 'day', day, first: start, count: end - start }, dayHeight);
      justify(start, end);
      start = end;
    }
  }

  const offsets = new Float64Array(rows.length + 1);
  for (let i = 0; i < heights.length; i++) offsets[i + 1] = (offsets[i] ?? 0) + (heights[i] ?? 0);
  return { rows, offsets, itemRow, years };
}

/** The x position and width of each photo of a row, filling the row exactly when it is justified. */
export function rowGeometry(
  items: readonly LayoutItem[],
  row: Extract<Row, { kind: 'photos' }>,
  width: number,
  gap: number,
): { x: number; width: number }[] {
  const out: { x: number; width: number }[] = [];
  let x = 0;
  for (let k = 0; k < row.count; k++) {
    const last = k === row.count - 1;
    const w = last && row.justified ? width - x : clampAspect(items[row.first + k]?.aspect ?? 1) * row.height;
    out.push({ x, width: Math.max(1, w) });
    x += w + gap;
  }
  return out;
}
