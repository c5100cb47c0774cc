import type { Queryable } from '../adapters/db/database.ts';
import { photosWithDevice, type PhotoWithDevice } from '../library/photos.store.ts';

/** Reads of the change feed and of the library as a snapshot. */
export function createFeedStore() {
  return {
    async head(db: Queryable, accountId: string): Promise<number> {
      const row = await db
        .selectFrom('changes')
        .select((eb) => eb.fn.max('id').as('head'))
        .where('account_id', '=', accountId)
        .executeTakeFirst();
      return Number(row?.head ?? 0);
    },

    changesAfter(db: Queryable, accountId: string, after: number, limit: number) {
      return db
        .selectFrom('changes')
        .select(['id', 'kind', 'entity_id'])
        .where('account_id', '=', accountId)
        .where('id', '>', after)
        .orderBy('id')
        .limit(limit)
        .execute();
    },

    photosByIds(db: Queryable, accountId: string, ids: string[]): Promise<PhotoWithDevice[]> {
      if (ids.length === 0) return Promise.resolve([]);
      return photosWithDevice(db)
        .where('photos.account_id', '=', accountId)
        .where('photos.id', 'in', ids)
        .execute();
    },

    albumsByIds(db: Queryable, accountId: string, ids: string[]) {
      if (ids.length === 0) return Promise.resolve([]);
      return db
        .selectFrom('albums')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('id', 'in', ids)
        .execute();
    },

    async albumPhotoIds(db: Queryable, albumIds: string[]): Promise<Map<string, string[]>> {
      const map = new Map<string, string[]>(albumIds.map((id) => [id, []]));
      if (albumIds.length === 0) return map;
      const rows = await db
        .selectFrom('album_photos')
        .select(['album_id', 'photo_id'])
        .where('album_id', 'in', albumIds)
        .orderBy('added_at')
        .execute();
      for (const r of rows) map.get(r.album_id)?.push(r.photo_id);
      return map;
    },

    /** Photos whose latest change is at or before `head`, in id order after `afterId`. */
    snapshotPhotos(db: Queryable, accountId: string, head: number, afterId: string, limit: number) {
      return photosWithDevice(db)
        .where('photos.account_id', '=', accountId)
        .where('photos.change_id', '<=', head)
        .where('photos.id', '>', afterId)
        .orderBy('photos.id')
        .limit(limit)
        .execute();
    },

    snapshotAlbums(db: Queryable, accountId: string, head: number) {
      return db
        .selectFrom('albums')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('change_id', '<=', head)
        .orderBy('id')
        .execute();
    },
  };
}

export type FeedStore = ReturnType<typeof createFeedStore>;
