// Which of a device's acknowledged batches could have brought a photo, without asking each of them. Explain asks for
// every photo of the library (100,000) against every batch of the device (hundreds): asking each batch was most of
// the report's time. A batch brings a photo only at the photo's latest feed row as of the batch's served head, and
// that row is one of the photo's rows, so its id lies between the photo's first and last row ids: only batches whose
// range (from, to] meets [first, last] can have brought it. The rule itself (sync/delivery-rule.ts) still decides.
import { batchBrought, type FeedRow } from '../sync/delivery-rule.ts';

interface Range {
  from: number;
  to: number;
  servedHead: number;
}

export interface DeliveryIndex<D extends Range> {
  /** The first batch, in the list's order, that brought the photo whose feed rows (id order) are `rows`. */
  firstBringing(rows: readonly FeedRow[]): D | undefined;
}

/** An index over `list` (a device's batches, oldest first). */
export function deliveryIndex<D extends Range>(list: readonly D[]): DeliveryIndex<D> {
  // Batches whose range is not two numbers (a malformed entry) are asked every time, as before.
  const odd: number[] = [];
  const byTo: { to: number; from: number; order: number }[] = [];
  list.forEach((d, order) => {
    if (Number.isFinite(d.from) && Number.isFinite(d.to)) byTo.push({ to: d.to, from: d.from, order });
    else odd.push(order);
  });
  byTo.sort((a, b) => a.to - b.to || a.order - b.order);
  // minFrom[k]: the smallest `from` among byTo[k..]; past a k where it reaches the photo's last row, nothing meets.
  const minFrom = new Array<number>(byTo.length + 1).fill(Infinity);
  for (let k = byTo.length - 1; k >= 0; k--)
    minFrom[k] = Math.min(byTo[k]?.from ?? Infinity, minFrom[k + 1] ?? Infinity);

  function firstReaching(first: number): number {
    let lo = 0;
    let hi = byTo.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((byTo[mid]?.to ?? Infinity) < first) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  return {
    firstBringing(rows) {
      if (rows.length === 0) return undefined;
      let first = Infinity;
      let last = -Infinity;
      for (const r of rows) {
        first = Math.min(first, r.id);
        last = Math.max(last, r.id);
      }
      // A row id that is not a number (none today: ids come from integer columns) bounds nothing: ask every batch.
      if (!Number.isFinite(first) || !Number.isFinite(last)) return list.find((d) => batchBrought(rows, d));
      const orders = [...odd];
      for (let k = firstReaching(first); k < byTo.length && (minFrom[k] ?? Infinity) < last; k++) {
        const b = byTo[k];
        if (b && b.from < last) orders.push(b.order);
      }
      orders.sort((a, b) => a - b);
      for (const order of orders) {
        const d = list[order];
        if (d && batchBrought(rows, d)) return d;
      }
      return undefined;
    },
  };
}
