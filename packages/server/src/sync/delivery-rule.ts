/**
 * Which acknowledged batch brought a photo to a device, worked out exactly from the account's feed rows for it.
 *
 * A page (from, to] read at feed head H carries each entity once, at its latest row as of H, with its state as of H
 * (the page is read in one consistent snapshot); an entity whose latest row is past `to` is left for a later page.
 * So the page brought photo P iff P's latest row as of H lies in (from, to] and P was visible to the account there
 * (not a tombstone). A snapshot is the batch (0, begin] read at its begin cursor.
 */
export interface FeedRow {
  id: number;
  kind: string;
}

export interface AckedBatch {
  from: number;
  to: number;
  /** The feed head the batch was read at (≥ to). */
  servedHead: number;
}

/** Kinds after which a photo of another account is in the account's view again / no longer. */
const INTO_VIEW = new Set(['photo.shared', 'photo.restored']);
const OUT_OF_VIEW = new Set(['photo.unshared', 'photo.trashed', 'photo.deleted']);

/**
 * Whether the account saw the photo as of its row at `index` (rows in id order). Its own photo (the account has
 * its `photo.added` row) it sees in any state until deleted; another account's photo while the latest of the rows
 * that move it into or out of view moved it in.
 */
export function visibleAt(rows: readonly FeedRow[], index: number, owned: boolean): boolean {
  if (owned) return rows[index]?.kind !== 'photo.deleted';
  for (let i = index; i >= 0; i--) {
    const kind = rows[i]?.kind ?? '';
    if (INTO_VIEW.has(kind)) return true;
    if (OUT_OF_VIEW.has(kind)) return false;
  }
  return false;
}

/** Whether `batch` carried the photo whose account feed rows (id order) are `rows`. */
export function batchBrought(rows: readonly FeedRow[], batch: AckedBatch): boolean {
  let latest = -1;
  for (let i = 0; i < rows.length && (rows[i]?.id ?? Infinity) <= batch.servedHead; i++) latest = i;
  const row = rows[latest];
  if (!row || row.id <= batch.from || row.id > batch.to) return false;
  return visibleAt(
    rows,
    latest,
    rows.some((r) => r.kind === 'photo.added'),
  );
}
