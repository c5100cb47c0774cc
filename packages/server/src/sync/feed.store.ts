import type { Queryable } from '../adapters/db/database.ts';
import { accountRefs, sharedPhotoIds, visibleSharedPhotos } from '../library/album-members.store.ts';
import { photosWithDevice, type PhotoWithDevice } from '../library/photos.store.ts';

/** Reads of the change feed and of the library as a snapshot. */
export function createFeedStore() {
  /** Albums `viewerId` owns or is a member of, with their owner and the viewer's role (null: owner). */
  const albumsVisibleTo = (db: Queryable, viewerId: string) =>
    db
      .selectFrom('albums')
      .innerJoin('accounts as owner', 'owner.id', 'albums.account_id')
      .leftJoin('album_members as me', (j) =>
        j.onRef('me.album_id', '=', 'albums.id').on('me.account_id', '=', viewerId),
      )
      .selectAll('albums')
      .select(['owner.email as owner_email', 'owner.display_name as owner_name', 'me.role as member_role']);

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

    /** The id of the account's latest feed row for each entity: the one row that carries the entity's state. */
    async latestOf(db: Queryable, accountId: string, entityIds: string[]): Promise<Map<string, number>> {
      if (entityIds.length === 0) return new Map();
      const rows = await db
        .selectFrom('changes')
        .select(['entity_id', (eb) => eb.fn.max('id').as('latest')])
        .where('account_id', '=', accountId)
        .where('entity_id', 'in', entityIds)
        .groupBy('entity_id')
        .execute();
      return new Map(rows.map((r) => [r.entity_id, Number(r.latest)]));
    },

    /** Photos by id, whoever owns them: the caller decides what the reading account may see. */
    photosByIds(db: Queryable, ids: string[]): Promise<PhotoWithDevice[]> {
      if (ids.length === 0) return Promise.resolve([]);
      return photosWithDevice(db).where('photos.id', 'in', ids).execute();
    },

    /** Of these photos of other accounts, those the account sees through albums now. */
    visibleShared: visibleSharedPhotos,

    /** Owners of shared photos, as the member sees them. */
    accounts: accountRefs,

    albumsByIds(db: Queryable, viewerId: string, ids: string[]) {
      if (ids.length === 0) return Promise.resolve([]);
      return albumsVisibleTo(db, viewerId)
        .where('albums.id', 'in', ids)
        .where((eb) => eb.or([eb('albums.account_id', '=', viewerId), eb('me.account_id', 'is not', null)]))
        .execute();
    },

    /** Each album's photos as `viewerId` sees them: its own in any state, other accounts' while active. */
    async albumPhotoIds(db: Queryable, viewerId: string, albumIds: string[]): Promise<Map<string, string[]>> {
      const map = new Map<string, string[]>(albumIds.map((id) => [id, []]));
      if (albumIds.length === 0) return map;
      const rows = await db
        .selectFrom('album_photos')
        .innerJoin('photos', 'photos.id', 'album_photos.photo_id')
        .select(['album_photos.album_id', 'album_photos.photo_id'])
        .where('album_photos.album_id', 'in', albumIds)
        .where((eb) => eb.or([eb('photos.account_id', '=', viewerId), eb('photos.status', '=', 'active')]))
        .orderBy('album_photos.added_at')
        .orderBy('album_photos.photo_id')
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

    /** Whether any album the account owns or is a member of holds another account's photo. */
    async seesShared(db: Queryable, accountId: string): Promise<boolean> {
      const row = await sharedPhotoIds(db, accountId)
        .innerJoin('photos as p', 'p.id', 'ap.photo_id')
        .where('p.account_id', '!=', accountId)
        .limit(1)
        .executeTakeFirst();
      return row !== undefined;
    },

    /**
     * Other accounts' active photos the account saw through albums as of `head`: additions, grants and changes
     * after it reach the account through its feed, after the snapshot's cursor.
     */
    snapshotSharedPhotos(db: Queryable, accountId: string, head: number, afterId: string, limit: number) {
      return photosWithDevice(db)
        .where('photos.account_id', '!=', accountId)
        .where('photos.status', '=', 'active')
        .where('photos.change_id', '<=', head)
        .where('photos.id', '>', afterId)
        .where('photos.id', 'in', sharedPhotoIds(db, accountId, head))
        .orderBy('photos.id')
        .limit(limit)
        .execute();
    },

    /** The account's albums and those shared with it, as of `head`. */
    snapshotAlbums(db: Queryable, accountId: string, head: number) {
      return albumsVisibleTo(db, accountId)
        .where('albums.change_id', '<=', head)
        .where((eb) =>
          eb.or([
            eb('albums.account_id', '=', accountId),
            eb.and([eb('me.account_id', 'is not', null), eb('me.change_id', '<=', head)]),
          ]),
        )
        .orderBy('albums.id')
        .execute();
    },
  };
}

export type FeedStore = ReturnType<typeof createFeedStore>;
export type FeedAlbumRow = Awaited<ReturnType<FeedStore['snapshotAlbums']>>[number];
