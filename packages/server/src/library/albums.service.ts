import type { Album, AlbumPhoto, AlbumRole } from '@shoebox/shared';
import type { Db } from '../adapters/db/database.ts';
import { actorOf, type AuditRecorder } from '../audit/audit.recorder.ts';
import { requireTrusted } from '../devices/devices.service.ts';
import { AppError, notFound } from '../errors.ts';
import type { Clock } from '../platform/clock.ts';
import { iso } from '../platform/clock.ts';
import { newId } from '../platform/ids.ts';
import type { Principal } from '../platform/principal.ts';
import type { AlbumFeed } from './album-feed.ts';
import { albumAudience } from './album-members.store.ts';
import type { AlbumsStore, AlbumView } from './albums.store.ts';

export interface AlbumsServiceDeps {
  db: Db;
  albums: AlbumsStore;
  feed: AlbumFeed;
  clock: Clock;
  audit: AuditRecorder;
}

/** The album as the caller may see it (owner or member), or 404: another account's album does not exist for it. */
export async function loadAlbum(
  db: Db,
  albums: AlbumsStore,
  actor: Principal,
  id: string,
): Promise<AlbumView> {
  const row = await albums.find(db, actor.account.id, id);
  if (!row) throw notFound('Album');
  return row;
}

export function roleOf(row: AlbumView): AlbumRole {
  return row.member_role ?? 'owner';
}

/** A member may see the album, but only the rights it was given let it change anything. */
export function requireRole(row: AlbumView, allowed: AlbumRole[], what: string): void {
  if (!allowed.includes(roleOf(row)))
    throw new AppError('forbidden', `Only ${allowed.join(' or ')} rights on this album let you ${what}.`);
}

export function createAlbumsService({ db, albums, feed, clock, audit }: AlbumsServiceDeps) {
  const load = (actor: Principal, id: string) => loadAlbum(db, albums, actor, id);

  /**
   * Deletes the album for everyone; the photos stay in their owners' libraries. Every membership ends with it, on
   * the record as the explicit revoke puts it (album-sharing.service.ts): one `album.share-revoked` per member, on
   * the owner's log and on the member's, in the deletion's transaction. `actor` null: the server did it (account
   * deletion, before the owner's log is forgotten), recorded with no device, session or address.
   */
  async function remove(actor: Principal | null, id: string): Promise<void> {
    const now = clock.now();
    const { audience, changeId } = await db.transaction().execute(async (trx) => {
      await feed.lock(trx);
      const audience = await albumAudience(trx, id);
      const photos = await albums.allPhotos(trx, id);
      const changeId = await feed.albumChanged(trx, audience, { kind: 'album.deleted', albumId: id, now });
      await feed.photosMoved(trx, audience, photos, 'photo.unshared', now);
      const [ownerId, ...memberIds] = audience;
      if (ownerId !== undefined && memberIds.length > 0)
        await audit.recordMany(
          trx,
          memberIds.flatMap((granteeAccountId) => {
            const body = actor
              ? { ...actorOf(actor), ip: actor.ip, granteeAccountId, albumId: id }
              : { deviceId: null, sessionId: null, ip: null, granteeAccountId, albumId: id };
            return [...new Set([ownerId, granteeAccountId])].map((accountId) => ({
              accountId,
              kind: 'album.share-revoked' as const,
              body,
            }));
          }),
        );
      await albums.delete(trx, id);
      return { audience, changeId };
    });
    feed.announce(audience, changeId);
  }

  return {
    async list(actor: Principal): Promise<Album[]> {
      requireTrusted(actor);
      return (await albums.list(db, actor.account.id)).map(toAlbum);
    },

    async get(actor: Principal, id: string): Promise<Album> {
      requireTrusted(actor);
      return toAlbum(await load(actor, id));
    },

    async create(actor: Principal, name: string): Promise<Album> {
      requireTrusted(actor);
      const now = clock.now();
      const id = newId(now);
      const changeId = await db.transaction().execute(async (trx) => {
        await albums.insert(trx, {
          id,
          account_id: actor.account.id,
          name,
          created_at: now,
          updated_at: now,
        });
        return feed.albumChanged(trx, [actor.account.id], {
          kind: 'album.created',
          albumId: id,
          body: { name },
          now,
        });
      });
      feed.announce([actor.account.id], changeId);
      return toAlbum(await load(actor, id));
    },

    async rename(actor: Principal, id: string, name: string): Promise<Album> {
      requireTrusted(actor);
      requireRole(await load(actor, id), ['owner'], 'rename it');
      const now = clock.now();
      const { audience, changeId } = await db.transaction().execute(async (trx) => {
        await feed.lock(trx);
        await albums.rename(trx, id, name, now);
        const audience = await albumAudience(trx, id);
        const changeId = await feed.albumChanged(trx, audience, {
          kind: 'album.renamed',
          albumId: id,
          body: { name },
          now,
        });
        return { audience, changeId };
      });
      feed.announce(audience, changeId);
      return toAlbum(await load(actor, id));
    },

    /** Deletes the album for everyone; the photos stay in their owners' libraries. */
    async delete(actor: Principal, id: string): Promise<void> {
      requireTrusted(actor);
      requireRole(await load(actor, id), ['owner'], 'delete it');
      await remove(actor, id);
    },

    /**
     * Account deletion: every album the account owns goes, for its members too (as if the owner deleted it, recorded
     * with no device: the server did it). It runs before the account's log is forgotten, so the revokes reach the
     * owner's log as well as the members' (whose logs keep them: their access ended).
     */
    async deleteOwnedBy(accountId: string): Promise<number> {
      const owned = (await albums.list(db, accountId)).filter((a) => a.member_role === null);
      for (const album of owned) await remove(null, album.id);
      return owned.length;
    },

    /**
     * Adds photos of the caller's own to the album (owner or contributor); an id that is not one of its photos fails
     * the whole request. The photos stay the caller's; the album refers to them, recording who added them.
     */
    async addPhotos(actor: Principal, id: string, photoIds: string[]) {
      requireTrusted(actor);
      requireRole(await load(actor, id), ['owner', 'contribute'], 'add photos');
      const unique = [...new Set(photoIds)];
      const owned = await albums.ownedPhotoIds(db, actor.account.id, unique);
      const foreign = unique.filter((p) => !owned.has(p));
      if (foreign.length > 0)
        throw new AppError('not_found', `No such photo: ${foreign.slice(0, 5).join(', ')}.`, {
          photoIds: foreign,
        });
      const now = clock.now();
      const { added, audience, changeId } = await db.transaction().execute(async (trx) => {
        await feed.lock(trx);
        const present = await albums.present(trx, id, unique);
        const added = unique.filter((p) => !present.has(p));
        const audience = await albumAudience(trx, id);
        await albums.touch(trx, id, now);
        const changeId = await feed.albumChanged(trx, audience, {
          kind: 'album.photos-added',
          albumId: id,
          body: { photoIds: added, by: actor.account.id },
          now,
        });
        await albums.addPhotos(trx, id, added, {
          accountId: actor.account.id,
          deviceId: actor.device.id,
          sessionId: actor.session.id,
          now,
          changeId,
        });
        const mine = added.map((p) => ({ id: p, account_id: actor.account.id }));
        await feed.photosMoved(trx, audience, mine, 'photo.shared', now);
        return { added, audience, changeId };
      });
      feed.announce(audience, changeId);
      return { changed: added.length, album: toAlbum(await load(actor, id)) };
    },

    /** The owner removes any photo; a contributor only its own; a viewer none. */
    async removePhotos(actor: Principal, id: string, photoIds: string[]) {
      requireTrusted(actor);
      const album = await load(actor, id);
      requireRole(album, ['owner', 'contribute'], 'remove photos');
      const unique = [...new Set(photoIds)];
      const owners = await albums.ownersInAlbum(db, id, unique);
      if (roleOf(album) !== 'owner' && [...owners.values()].some((o) => o !== actor.account.id))
        throw new AppError('forbidden', 'A contributor can only take its own photos out of an album.');
      const now = clock.now();
      const { removed, audience, changeId } = await db.transaction().execute(async (trx) => {
        await feed.lock(trx);
        const removed = await albums.removePhotos(trx, id, [...owners.keys()]);
        await albums.touch(trx, id, now);
        const audience = await albumAudience(trx, id);
        const changeId = await feed.albumChanged(trx, audience, {
          kind: 'album.photos-removed',
          albumId: id,
          body: { photoIds: unique },
          now,
        });
        const gone = [...owners].map(([photoId, owner]) => ({ id: photoId, account_id: owner }));
        await feed.photosMoved(trx, audience, gone, 'photo.unshared', now);
        return { removed, audience, changeId };
      });
      feed.announce(audience, changeId);
      return { changed: removed, album: toAlbum(await load(actor, id)) };
    },

    async photos(actor: Principal, id: string): Promise<{ photoIds: string[]; items: AlbumPhoto[] }> {
      requireTrusted(actor);
      await load(actor, id);
      const items = (await albums.photos(db, id)).map((r) => ({
        photoId: r.photo_id,
        addedAt: iso(Number(r.added_at)),
        addedBy: {
          accountId: r.added_by_account_id,
          displayName: r.added_by_name,
          deviceId: r.added_by_device_id,
          deviceName: r.added_by_device_name,
          sessionId: r.added_by_session_id,
        },
        ownerAccountId: r.owner_id,
      }));
      return { photoIds: items.map((i) => i.photoId), items };
    },
  };
}

export type AlbumsService = ReturnType<typeof createAlbumsService>;

export function toAlbum(row: AlbumView): Album {
  return {
    id: row.id,
    name: row.name,
    photoCount: row.photo_count,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    owner: { accountId: row.account_id, email: row.owner_email, displayName: row.owner_name },
    role: roleOf(row),
    memberCount: row.member_count,
  };
}
