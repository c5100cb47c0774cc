import type { Queryable } from '../adapters/db/database.ts';
import { sharedPhotoIds } from '../library/album-members.store.ts';

export interface OriginalRow {
  id: string;
  sha256: string;
  size: number;
}

/** Which of `ids` a viewer may download, by the single-photo rule: its own (any status), or shared and active. */
export function createOriginalsStore() {
  return {
    async visible(
      db: Queryable,
      viewerId: string,
      ids: readonly string[],
    ): Promise<Map<string, OriginalRow>> {
      const found = new Map<string, OriginalRow>();
      const own = await db
        .selectFrom('photos')
        .select(['id', 'sha256', 'size'])
        .where('account_id', '=', viewerId)
        .where('id', 'in', ids)
        .execute();
      for (const row of own) found.set(row.id, row);
      const rest = ids.filter((id) => !found.has(id));
      if (rest.length === 0) return found;
      const shared = await db
        .selectFrom('photos')
        .select(['id', 'sha256', 'size'])
        .where('id', 'in', rest)
        .where('status', '=', 'active')
        .where('id', 'in', sharedPhotoIds(db, viewerId))
        .execute();
      for (const row of shared) found.set(row.id, row);
      return found;
    },
  };
}

export type OriginalsStore = ReturnType<typeof createOriginalsStore>;
