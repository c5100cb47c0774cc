import type { Queryable } from '../adapters/db/database.ts';
import type { PhotoRow } from '../adapters/db/schema.ts';
import type { TimelinePosition } from './photos.store.ts';

/** The columns the compact timeline reads: all of them are in the timeline index (migration 0008). */
const TIMELINE_COLUMNS = [
  'id',
  'sort_time',
  'capture_time',
  'width',
  'height',
  'orientation',
  'media_state',
  'mime',
] as const;

export type TimelineRow = Pick<PhotoRow, (typeof TIMELINE_COLUMNS)[number]>;

/** Active photos newest first, strictly after `after`: the query alone, so tests can ask for its plan. */
export function timelinePageQuery(
  db: Queryable,
  accountId: string,
  after: TimelinePosition | null,
  limit: number,
) {
  let query = db
    .selectFrom('photos')
    .select(TIMELINE_COLUMNS)
    .where('account_id', '=', accountId)
    .where('status', '=', 'active');
  if (after) {
    // The row-value form walks the index from the cursor on both databases (see photos.store.ts).
    query = query.where((eb) => eb(eb.refTuple('sort_time', 'id'), '<', eb.tuple(after.sortTime, after.id)));
  }
  return query.orderBy('sort_time', 'desc').orderBy('id', 'desc').limit(limit);
}

export function createTimelineStore() {
  return {
    /** Active photos newest first, strictly after `after`, read from the index alone. */
    page(
      db: Queryable,
      accountId: string,
      after: TimelinePosition | null,
      limit: number,
    ): Promise<TimelineRow[]> {
      return timelinePageQuery(db, accountId, after, limit).execute();
    },
  };
}

export type TimelineStore = ReturnType<typeof createTimelineStore>;
