import { describe, expect, it } from 'vitest';
import { batchBrought, visibleAt, type FeedRow } from './delivery-rule.ts';

const rows = (...kinds: [number, string][]): FeedRow[] => kinds.map(([id, kind]) => ({ id, kind }));

describe('which acknowledged batch brought a photo', () => {
  // The owner's feed: added at 3, trashed at 7, restored at 12, deleted at 20.
  const own = rows([3, 'photo.added'], [7, 'photo.trashed'], [12, 'photo.restored'], [20, 'photo.deleted']);

  it('is the page holding the latest row as of the head it was read at', () => {
    // Read when the trash (7) had committed: the photo was left for the page holding 7.
    expect(batchBrought(own, { from: 0, to: 5, servedHead: 8 })).toBe(false);
    expect(batchBrought(own, { from: 5, to: 8, servedHead: 8 })).toBe(true);
    // Read before the trash committed: the first page carried it.
    expect(batchBrought(own, { from: 0, to: 5, servedHead: 5 })).toBe(true);
  });

  it('counts an owner’s trashed photo as delivered (the device keeps it in its trash), a deleted one not', () => {
    expect(batchBrought(own, { from: 6, to: 10, servedHead: 10 })).toBe(true);
    expect(batchBrought(own, { from: 15, to: 25, servedHead: 25 })).toBe(false);
  });

  it('follows a shared photo into and out of a member’s view', () => {
    const member = rows(
      [4, 'photo.shared'],
      [6, 'photo.updated'],
      [9, 'photo.trashed'],
      [11, 'photo.updated'],
      [14, 'photo.restored'],
      [18, 'photo.unshared'],
    );
    expect(visibleAt(member, 1, false)).toBe(true); // updated while shared
    expect(visibleAt(member, 3, false)).toBe(false); // updated while in the owner's trash
    expect(visibleAt(member, 4, false)).toBe(true);
    expect(visibleAt(member, 5, false)).toBe(false);
    expect(batchBrought(member, { from: 10, to: 12, servedHead: 12 })).toBe(false);
    expect(batchBrought(member, { from: 12, to: 15, servedHead: 15 })).toBe(true);
  });

  it('is nothing for a batch that ends before the photo’s first row or starts after its last', () => {
    expect(batchBrought(own, { from: 0, to: 2, servedHead: 2 })).toBe(false);
    expect(batchBrought(own, { from: 20, to: 30, servedHead: 30 })).toBe(false);
  });
});
