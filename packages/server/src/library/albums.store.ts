import type { Queryable } from '../adapters/db/database.ts';
import type { Insertable } from 'kysely';
import type { AlbumRow, AlbumsTable } from '../adapters/db/schema.ts';

export interface AlbumWithCount extends AlbumRow {
  photo_count: number;
}

export function createAlbumsStore() {
  const withCount = (db: Queryable) =>
    db
      .selectFrom('albums')
      .selectAll('albums')
      .select((eb) =>
        eb
          .selectFrom('album_photos')
          .innerJoin('photos', 'photos.id', 'album_photos.photo_id')
          .select((e) => e.fn.countAll<number>().as('n'))
          .whereRef('album_photos.album_id', '=', 'albums.id')
          .where('photos.status', '=', 'active')
          .as('photo_count'),
      );

  return {
    async insert(db: Queryable, row: Insertable<AlbumsTable>): Promise<void> {
      await db.insertInto('albums').values(row).execute();
    },

    async find(db: Queryable, accountId: string, id: string): Promise<AlbumWithCount | undefined> {
      const row = await withCount(db)
        .where('albums.account_id', '=', accountId)
        .where('albums.id', '=', id)
        .executeTakeFirst();
      return row && { ...row, photo_count: Number(row.photo_count ?? 0) };
    },

    async list(db: Queryable, accountId: string): Promise<AlbumWithCount[]> {
      const rows = await withCount(db)
        .where('albums.account_id', '=', accountId)
        .orderBy('albums.name')
        .execute();
      return rows.map((r) => ({ ...r, photo_count: Number(r.photo_count ?? 0) }));
    },

    async rename(db: Queryable, id: string, name: string, now: number): Promise<void> {
      await db.updateTable('albums').set({ name, updated_at: now }).where('id', '=', id).execute();
    },

    async touch(db: Queryable, id: string, now: number): Promise<void> {
      await db.updateTable('albums').set({ updated_at: now }).where('id', '=', id).execute();
    },

    async delete(db: Queryable, id: string): Promise<void> {
      await db.deleteFrom('albums').where('id', '=', id).execute();
    },

    /** Adds the photos not yet in the album; returns the ids actually added. */
    async addPhotos(
      db: Queryable,
      albumId: string,
      photoIds: string[],
      by: { accountId: string; deviceId: string; now: number },
    ): Promise<string[]> {
      const present = new Set(
        (
          await db
            .selectFrom('album_photos')
            .select('photo_id')
            .where('album_id', '=', albumId)
            .where('photo_id', 'in', photoIds)
            .execute()
        ).map((r) => r.photo_id),
      );
      const added = photoIds.filter((id) => !present.has(id));
      if (added.length > 0) {
        await db
          .insertInto('album_photos')
          .values(
            added.map((photoId) => ({
              album_id: albumId,
              photo_id: photoId,
              added_at: by.now,
              added_by_account_id: by.accountId,
              added_by_device_id: by.deviceId,
            })),
          )
          .execute();
      }
      return added;
    },

    async removePhotos(db: Queryable, albumId: string, photoIds: string[]): Promise<number> {
      const result = await db
        .deleteFrom('album_photos')
        .where('album_id', '=', albumId)
        .where('photo_id', 'in', photoIds)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    /** Of the given ids, those that are photos of this account. */
    async ownedPhotoIds(db: Queryable, accountId: string, photoIds: string[]): Promise<Set<string>> {
      const rows = await db
        .selectFrom('photos')
        .select('id')
        .where('account_id', '=', accountId)
        .where('id', 'in', photoIds)
        .execute();
      return new Set(rows.map((r) => r.id));
    },

    /**
     * The album's photos in timeline order. Trashed photos are left out, as `photo_count` leaves them out: the trash
     * hides a photo everywhere until it is restored (the album keeps the membership for that).
     */
    photoIds(db: Queryable, albumId: string): Promise<{ photo_id: string }[]> {
      return db
        .selectFrom('album_photos')
        .innerJoin('photos', 'photos.id', 'album_photos.photo_id')
        .select('album_photos.photo_id')
        .where('album_photos.album_id', '=', albumId)
        .where('photos.status', '=', 'active')
        .orderBy('photos.sort_time', 'desc')
        .orderBy('photos.id', 'desc')
        .execute();
    },
  };
}

export type AlbumsStore = ReturnType<typeof createAlbumsStore>;
