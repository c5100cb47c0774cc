import type { Queryable } from '../adapters/db/database.ts';
import type { AlbumRole } from '../adapters/db/schema.ts';
import { photosWithDevice, type PhotoWithDevice } from './photos.store.ts';

export interface AccountRefRow {
  id: string;
  email: string;
  display_name: string;
}

/**
 * Who shares which album, and what each account can see through albums: an account sees its own photos, and the
 * active photos of every album it owns or is a member of. Those are also the accounts a change must reach.
 */
export function createAlbumMembersStore() {
  return {
    members(db: Queryable, albumId: string) {
      return db
        .selectFrom('album_members')
        .innerJoin('accounts', 'accounts.id', 'album_members.account_id')
        .select(['album_members.account_id', 'album_members.role', 'album_members.granted_at'])
        .select(['accounts.email', 'accounts.display_name'])
        .where('album_members.album_id', '=', albumId)
        .orderBy('accounts.email')
        .execute();
    },

    member(db: Queryable, albumId: string, accountId: string) {
      return db
        .selectFrom('album_members')
        .selectAll()
        .where('album_id', '=', albumId)
        .where('account_id', '=', accountId)
        .executeTakeFirst();
    },

    async grant(
      db: Queryable,
      row: {
        albumId: string;
        accountId: string;
        role: AlbumRole;
        deviceId: string;
        now: number;
        changeId: number;
      },
    ): Promise<void> {
      await db
        .insertInto('album_members')
        .values({
          album_id: row.albumId,
          account_id: row.accountId,
          role: row.role,
          granted_at: row.now,
          granted_by_device_id: row.deviceId,
          change_id: row.changeId,
        })
        .execute();
    },

    async setRole(db: Queryable, albumId: string, accountId: string, role: AlbumRole): Promise<void> {
      await db
        .updateTable('album_members')
        .set({ role })
        .where('album_id', '=', albumId)
        .where('account_id', '=', accountId)
        .execute();
    },

    async revoke(db: Queryable, albumId: string, accountId: string): Promise<void> {
      await db
        .deleteFrom('album_members')
        .where('album_id', '=', albumId)
        .where('account_id', '=', accountId)
        .execute();
    },

    findAccountByEmail(db: Queryable, email: string): Promise<AccountRefRow | undefined> {
      return db
        .selectFrom('accounts')
        .select(['id', 'email', 'display_name'])
        .where('email', '=', email)
        .executeTakeFirst();
    },

    /** The album's photos that belong to `accountId` (what leaves the album with a member). */
    async photosOf(db: Queryable, albumId: string, accountId: string): Promise<string[]> {
      const rows = await db
        .selectFrom('album_photos')
        .innerJoin('photos', 'photos.id', 'album_photos.photo_id')
        .select('album_photos.photo_id')
        .where('album_photos.album_id', '=', albumId)
        .where('photos.account_id', '=', accountId)
        .execute();
      return rows.map((r) => r.photo_id);
    },

    /** A photo of another account that `viewerId` sees through an album. */
    visiblePhoto(db: Queryable, viewerId: string, photoId: string): Promise<PhotoWithDevice | undefined> {
      return photosWithDevice(db)
        .where('photos.id', '=', photoId)
        .where('photos.status', '=', 'active')
        .where('photos.id', 'in', sharedPhotoIds(db, viewerId))
        .executeTakeFirst();
    },
  };
}

export type AlbumMembersStore = ReturnType<typeof createAlbumMembersStore>;

/** Ids of photos in albums `viewerId` owns or is a member of (any owner, any status). */
export function sharedPhotoIds(db: Queryable, viewerId: string, before?: number) {
  let query = db
    .selectFrom('album_photos as ap')
    .innerJoin('albums as a', 'a.id', 'ap.album_id')
    .leftJoin('album_members as m', (j) =>
      j.onRef('m.album_id', '=', 'ap.album_id').on('m.account_id', '=', viewerId),
    )
    .select('ap.photo_id');
  if (before === undefined)
    return query.where((w) => w.or([w('a.account_id', '=', viewerId), w('m.account_id', 'is not', null)]));
  // As of change `before`: additions and grants after it are the feed's to deliver.
  query = query.where('ap.change_id', '<=', before);
  return query.where((w) =>
    w.or([
      w('a.account_id', '=', viewerId),
      w.and([w('m.account_id', 'is not', null), w('m.change_id', '<=', before)]),
    ]),
  );
}

/** Of these photos of other accounts, the ids `viewerId` sees through albums (active ones only). */
export async function visibleSharedPhotos(
  db: Queryable,
  viewerId: string,
  photoIds: string[],
): Promise<Set<string>> {
  if (photoIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('photos')
    .select('id')
    .where('id', 'in', photoIds)
    .where('account_id', '!=', viewerId)
    .where('status', '=', 'active')
    .where('id', 'in', sharedPhotoIds(db, viewerId))
    .execute();
  return new Set(rows.map((r) => r.id));
}

/** Everyone who sees an album: its owner first, then its members. */
export async function albumAudience(db: Queryable, albumId: string): Promise<string[]> {
  const owner = await db
    .selectFrom('albums')
    .select('account_id')
    .where('id', '=', albumId)
    .executeTakeFirst();
  if (!owner) return [];
  const members = await db
    .selectFrom('album_members')
    .select('account_id')
    .where('album_id', '=', albumId)
    .execute();
  return [owner.account_id, ...members.map((m) => m.account_id)];
}

/** The albums that hold a photo, each with its audience (owner first). */
export async function albumsHolding(
  db: Queryable,
  photoId: string,
): Promise<{ albumId: string; audience: string[] }[]> {
  const rows = await db
    .selectFrom('album_photos')
    .innerJoin('albums', 'albums.id', 'album_photos.album_id')
    .leftJoin('album_members', 'album_members.album_id', 'album_photos.album_id')
    .select([
      'albums.id as album_id',
      'albums.account_id as owner_id',
      'album_members.account_id as member_id',
    ])
    .where('album_photos.photo_id', '=', photoId)
    .execute();
  const byAlbum = new Map<string, string[]>();
  for (const r of rows) {
    const audience = byAlbum.get(r.album_id) ?? [r.owner_id];
    if (r.member_id) audience.push(r.member_id);
    byAlbum.set(r.album_id, audience);
  }
  return [...byAlbum].map(([albumId, audience]) => ({ albumId, audience }));
}

/** The accounts behind these ids, as other members see them. */
export async function accountRefs(db: Queryable, ids: string[]): Promise<Map<string, AccountRefRow>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('accounts')
    .select(['id', 'email', 'display_name'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, r]));
}
