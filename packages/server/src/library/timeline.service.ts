import type { TimelinePage } from '@shoebox/shared';
import type { Db } from '../adapters/db/database.ts';
import { requireTrusted } from '../devices/devices.service.ts';
import { AppError } from '../errors.ts';
import type { Principal } from '../platform/principal.ts';
import { decodeCursor, encodeCursor } from './photo-dto.ts';
import type { TimelineRow, TimelineStore } from './timeline.store.ts';

export interface TimelineServiceDeps {
  db: Db;
  store: TimelineStore;
}

/** The compact timeline: what a client needs to show or sync every photo, without each photo's provenance. */
export function createTimelineService(deps: TimelineServiceDeps) {
  const { db, store } = deps;
  return {
    async page(
      actor: Principal,
      options: { cursor?: string | undefined; limit: number },
    ): Promise<TimelinePage> {
      requireTrusted(actor);
      const after = options.cursor ? decodeCursor(options.cursor) : null;
      if (options.cursor && !after)
        throw new AppError('invalid_cursor', 'The cursor is not one this server gave out.');
      const rows = await store.page(db, actor.account.id, after, options.limit + 1);
      const page = toColumns(rows.length > options.limit ? rows.slice(0, options.limit) : rows);
      const last = rows.length > options.limit ? rows[options.limit - 1] : undefined;
      return { ...page, nextCursor: last ? encodeCursor(last.sort_time, last.id) : null };
    },
  };
}

export type TimelineService = ReturnType<typeof createTimelineService>;

const MINUTE_MS = 60_000;

function toColumns(rows: readonly TimelineRow[]): Omit<TimelinePage, 'nextCursor'> {
  const n = rows.length;
  const page = {
    ids: new Array<string>(n),
    sortTimes: new Array<number>(n),
    wallOffsets: new Array<number | null>(n),
    widths: new Array<number | null>(n),
    heights: new Array<number | null>(n),
    orientations: new Array<number | null>(n),
    media: new Array<TimelineRow['media_state']>(n),
    mimeTypes: [] as string[],
    mimeIndexes: new Array<number>(n),
  };
  // A library has a handful of media types: name each once per page instead of once per photo.
  const mimeIndex = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const row = rows[i] as TimelineRow;
    page.ids[i] = row.id;
    page.sortTimes[i] = row.sort_time;
    page.wallOffsets[i] = wallOffset(row);
    page.widths[i] = row.width;
    page.heights[i] = row.height;
    page.orientations[i] = row.orientation;
    page.media[i] = row.media_state;
    let index = mimeIndex.get(row.mime);
    if (index === undefined) {
      index = page.mimeTypes.push(row.mime) - 1;
      mimeIndex.set(row.mime, index);
    }
    page.mimeIndexes[i] = index;
  }
  return page;
}

/**
 * How far the camera's clock was from the sort time, in minutes: 0 when the sort time was read from that clock,
 * the UTC offset when the file recorded one, null when there is no capture time (the sort time is the upload).
 */
function wallOffset(row: TimelineRow): number | null {
  if (row.capture_time === null) return null;
  const wall = Date.parse(`${row.capture_time}Z`);
  return Number.isFinite(wall) ? Math.round((wall - row.sort_time) / MINUTE_MS) : null;
}
