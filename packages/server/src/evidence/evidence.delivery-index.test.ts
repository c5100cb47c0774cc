import { describe, expect, it } from 'vitest';
import { batchBrought, type FeedRow } from '../sync/delivery-rule.ts';
import { deliveryIndex } from './evidence.delivery-index.ts';

/** A small deterministic generator (xorshift32), so a failure names a case that reproduces. */
function random(seed: number) {
  let x = seed || 1;
  return (n: number) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

const KINDS = [
  'photo.updated',
  'photo.trashed',
  'photo.restored',
  'photo.deleted',
  'photo.shared',
  'photo.unshared',
];

type Batch = { from: number; to: number; servedHead: number; name: string };

/** A device's batches as sync makes them: consecutive pages, a re-sync from scratch, a stale head, odd entries. */
function batches(next: (n: number) => number): Batch[] {
  const out: Batch[] = [];
  let at = 0;
  const pages = 1 + next(12);
  for (let i = 0; i < pages; i++) {
    const from = next(5) === 0 ? 0 : at; // now and then a snapshot (0, begin] after a reset
    const to = from + 1 + next(15);
    out.push({ from, to, servedHead: to + next(4), name: `b${i}` });
    at = to;
  }
  if (next(4) === 0) out.splice(next(out.length), 0, { from: NaN, to: NaN, servedHead: NaN, name: 'odd' });
  return out;
}

function photoRows(next: (n: number) => number): FeedRow[] {
  const rows: FeedRow[] = [];
  let id = 1 + next(40);
  rows.push({ id, kind: next(3) === 0 ? 'photo.shared' : 'photo.added' });
  for (let n = next(5); n > 0; n--) {
    id += 1 + next(10);
    rows.push({ id, kind: KINDS[next(KINDS.length)] ?? 'photo.updated' });
  }
  return rows;
}

describe('the delivery index', () => {
  it('names the same batch as asking every batch in order, over 20,000 generated libraries', () => {
    const next = random(20261129);
    let found = 0;
    for (let c = 0; c < 20_000; c++) {
      const list = batches(next);
      const index = deliveryIndex(list);
      for (let p = 0; p < 5; p++) {
        const rows = photoRows(next);
        const expected = list.find((b) => batchBrought(rows, b));
        expect(index.firstBringing(rows)?.name, `case ${c}.${p}`).toBe(expected?.name);
        if (expected) found++;
      }
    }
    // The cases exercise both answers, not only "none".
    expect(found).toBeGreaterThan(10_000);
    expect(found).toBeLessThan(100_000);
  });

  it('keeps the earlier of two batches that both carried the photo (a re-sync after a reset)', () => {
    const list = [
      { from: 0, to: 10, servedHead: 10, name: 'first' },
      { from: 10, to: 20, servedHead: 20, name: 'second' },
      { from: 0, to: 20, servedHead: 20, name: 'resync' },
    ];
    const rows = [{ id: 5, kind: 'photo.added' }];
    expect(deliveryIndex(list).firstBringing(rows)?.name).toBe('first');
    expect(deliveryIndex(list.slice(1)).firstBringing(rows)?.name).toBe('resync');
    expect(deliveryIndex(list).firstBringing([])).toBeUndefined();
    // A row id that is not a number bounds nothing: the rule decides over every batch, as before the index.
    const odd = [
      { id: 5, kind: 'photo.added' },
      { id: NaN, kind: 'photo.updated' },
    ];
    expect(deliveryIndex(list).firstBringing(odd)?.name).toBe(list.find((b) => batchBrought(odd, b))?.name);
    expect(deliveryIndex(list).firstBringing(odd)?.name).toBe('first');
  });
});
