import type { Queryable } from '../adapters/db/database.ts';
import type { Insertable } from 'kysely';
import type { AlbumRole, AlbumRow, AlbumsTable } from '../adapters/db/schema.ts';

/** An album as one account sees it: with its owner, that account's role (null: owner) and counts. */
export interface AlbumView extends AlbumRow {
  photo_count: number;
  member_count: number;
  owner_email: string;
  owner_name: string;
  member_role: AlbumRole | null;
}

export function createAlbumsStore() {
  /** Albums `viewerId` owns or is a member of. */
  const visibleTo = (db: Queryable, viewerId: string) =>
    db
      .selectFrom('albums')
      .innerJoin('accounts as owner', 'owner.id', 'albums.account_id')
      .leftJoin('album_members as me', (j) =>
        j.onRef('me.album_id', '=', 'albums.id').on('me.account_id', '=', viewerId),
      )
      .selectAll('albums')
      .select(['owner.email as owner_email', 'owner.display_name as owner_name', 'me.role as member_role'])
      .select((eb) => [
        eb
          .selectFrom('album_photos')
          .innerJoin('photos', 'photos.id', 'album_photos.photo_id')
          .select((e) => e.fn.countAll<number>().as('n'))
          .whereRef('album_photos.album_id', '=', 'albums.id')
          .where('photos.status', '=', 'active')
          .as('photo_count'),
        eb
          .selectFrom('album_members')
          .select((e) => e.fn.countAll<number>().as('n'))
          .whereRef('album_members.album_id', '=', 'albums.id')
          .as('member_count'),
      ])
      .where((eb) => eb.or([eb('albums.account_id', '=', viewerId), eb('me.account_id', 'is not', null)]));

  const counted = <T extends { photo_count: unknown; member_count: unknown }>(r: T) => ({
    ...r,
    photo_count: Number(r.photo_count ?? 0),
    member_count: Number(r.member_count ?? 0),
  });

  return {
    async insert(db: Queryable, row: Insertable<AlbumsTable>): Promise<void> {
      await db.insertInto('albums').values(row).execute();
    },

    async find(db: Queryable, viewerId: string, id: string): Promise<AlbumView | undefined> {
      const row = await visibleTo(db, viewerId).where('albums.id', '=', id).executeTakeFirst();
      return row && counted(row);
    },

    async list(db: Queryable, viewerId: string): Promise<AlbumView[]> {
      const rows = await visibleTo(db, viewerId).orderBy('albums.name').orderBy('albums.id').execute();
      return rows.map(counted);
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

    /** Of the given ids, those already in the album. */
    async present(db: Queryable, albumId: string, photoIds: string[]): Promise<Set<string>> {
      if (photoIds.length === 0) return new Set();
      const rows = await db
        .selectFrom('album_photos')
        .select('photo_id')
        .where('album_id', '=', albumId)
        .where('photo_id', 'in', photoIds)
        .execute();
      return new Set(rows.map((r) => r.photo_id));
    },

    async addPhotos(
      db: Queryable,
      albumId: string,
      photoIds: string[],
      by: { accountId: string; deviceId: string; sessionId: string; now: number; changeId: number },
    ): Promise<void> {
      if (photoIds.length === 0) return;
      await db
        .insertInto('album_photos')
        .values(
          photoIds.map((photoId) => ({
            album_id: albumId,
            photo_id: photoId,
            added_at: by.now,
            added_by_account_id: by.accountId,
            added_by_device_id: by.deviceId,
            added_by_session_id: by.sessionId,
            change_id: by.changeId,
          })),
        )
        .execute();
    },

    async removePhotos(db: Queryable, albumId: string, photoIds: string[]): Promise<number> {
      if (photoIds.length === 0) return 0;
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

    /** The owner of each of these photos that is in the album. */
    async ownersInAlbum(db: Queryable, albumId: string, photoIds: string[]): Promise<Map<string, string>> {
      if (photoIds.length === 0) return new Map();
      const rows = await db
        .selectFrom('album_photos')
        .innerJoin('photos', 'photos.id', 'album_photos.photo_id')
        .select(['photos.id', 'photos.account_id'])
        .where('album_photos.album_id', '=', albumId)
        .where('photos.id', 'in', photoIds)
        .execute();
      return new Map(rows.map((r) => [r.id, r.account_id]));
    },

    /** Every photo id of the album with its owner (any status): what a change to the whole album concerns. */
    allPhotos(db: Queryable, albumId: string) {
      return db
        .selectFrom('album_photos')
        .innerJoin('photos', 'photos.id', 'album_photos.photo_id')
        .select(['photos.id', 'photos.account_id'])
        .where('album_photos.album_id', '=', albumId)
        .execute();
    },

    /**
     * The album's photos in timeline order, with who added each (account, device, session). Trashed photos are left
     * out, as `photo_count` leaves them out: the trash hides a photo everywhere until it is restored.
     */
    photos(db: Queryable, albumId: string) {
      return db
        .selectFrom('album_photos')
        .innerJoin('photos', 'photos.id', 'album_photos.photo_id')
        .leftJoin('accounts', 'accounts.id', 'album_photos.added_by_account_id')
        .leftJoin('devices', 'devices.id', 'album_photos.added_by_device_id')
        .select([
          'album_photos.photo_id',
          'album_photos.added_at',
          'album_photos.added_by_account_id',
          'album_photos.added_by_device_id',
          'album_photos.added_by_session_id',
          'photos.account_id as owner_id',
          'accounts.display_name as added_by_name',
          'devices.name as added_by_device_name',
        ])
        .where('album_photos.album_id', '=', albumId)
        .where('photos.status', '=', 'active')
        .orderBy('photos.sort_time', 'desc')
        .orderBy('photos.id', 'desc')
        .execute();
    },
  };
}

export type AlbumsStore = ReturnType<typeof createAlbumsStore>;
