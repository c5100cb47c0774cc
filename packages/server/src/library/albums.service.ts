import type { Album } from '@shoebox/shared';
import type { Db } from '../adapters/db/database.ts';
import { requireTrusted } from '../devices/devices.service.ts';
import { AppError, notFound } from '../errors.ts';
import type { Clock } from '../platform/clock.ts';
import { iso } from '../platform/clock.ts';
import type { EventBus } from '../platform/events.ts';
import { newId } from '../platform/ids.ts';
import type { Principal } from '../platform/principal.ts';
import type { AlbumsStore, AlbumWithCount } from './albums.store.ts';
import type { ChangesStore } from './changes.store.ts';

export interface AlbumsServiceDeps {
  db: Db;
  albums: AlbumsStore;
  changes: ChangesStore;
  events: EventBus;
  clock: Clock;
}

export function createAlbumsService({ db, albums, changes, events, clock }: AlbumsServiceDeps) {
  async function load(actor: Principal, id: string) {
    const row = await albums.find(db, actor.account.id, id);
    if (!row) throw notFound('Album');
    return row;
  }

  function announce(actor: Principal, changeId: number): void {
    events.emit('library.changed', { accountId: actor.account.id, changeId });
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
        return changes.record(trx, {
          accountId: actor.account.id,
          kind: 'album.created',
          entityId: id,
          body: { name },
          now,
        });
      });
      announce(actor, changeId);
      return toAlbum(await load(actor, id));
    },

    async rename(actor: Principal, id: string, name: string): Promise<Album> {
      requireTrusted(actor);
      await load(actor, id);
      const now = clock.now();
      const changeId = await db.transaction().execute(async (trx) => {
        await albums.rename(trx, id, name, now);
        return changes.record(trx, {
          accountId: actor.account.id,
          kind: 'album.renamed',
          entityId: id,
          body: { name },
          now,
        });
      });
      announce(actor, changeId);
      return toAlbum(await load(actor, id));
    },

    async delete(actor: Principal, id: string): Promise<void> {
      requireTrusted(actor);
      await load(actor, id);
      const now = clock.now();
      const changeId = await db.transaction().execute(async (trx) => {
        await albums.delete(trx, id);
        return changes.record(trx, { accountId: actor.account.id, kind: 'album.deleted', entityId: id, now });
      });
      announce(actor, changeId);
    },

    /** Adds photos of the account to the album; an id that is not the account's photo fails the whole request. */
    async addPhotos(actor: Principal, id: string, photoIds: string[]) {
      requireTrusted(actor);
      await load(actor, id);
      const unique = [...new Set(photoIds)];
      const owned = await albums.ownedPhotoIds(db, actor.account.id, unique);
      const foreign = unique.filter((p) => !owned.has(p));
      if (foreign.length > 0)
        throw new AppError('not_found', `No such photo: ${foreign.slice(0, 5).join(', ')}.`, {
          photoIds: foreign,
        });
      const now = clock.now();
      const { added, changeId } = await db.transaction().execute(async (trx) => {
        const added = await albums.addPhotos(trx, id, unique, {
          accountId: actor.account.id,
          deviceId: actor.device.id,
          now,
        });
        await albums.touch(trx, id, now);
        const changeId = await changes.record(trx, {
          accountId: actor.account.id,
          kind: 'album.photos-added',
          entityId: id,
          body: { photoIds: added },
          now,
        });
        return { added, changeId };
      });
      announce(actor, changeId);
      return { changed: added.length, album: toAlbum(await load(actor, id)) };
    },

    async removePhotos(actor: Principal, id: string, photoIds: string[]) {
      requireTrusted(actor);
      await load(actor, id);
      const now = clock.now();
      const unique = [...new Set(photoIds)];
      const { removed, changeId } = await db.transaction().execute(async (trx) => {
        const removed = await albums.removePhotos(trx, id, unique);
        await albums.touch(trx, id, now);
        const changeId = await changes.record(trx, {
          accountId: actor.account.id,
          kind: 'album.photos-removed',
          entityId: id,
          body: { photoIds: unique },
          now,
        });
        return { removed, changeId };
      });
      announce(actor, changeId);
      return { changed: removed, album: toAlbum(await load(actor, id)) };
    },

    async photoIds(actor: Principal, id: string): Promise<string[]> {
      requireTrusted(actor);
      await load(actor, id);
      return (await albums.photoIds(db, id)).map((r) => r.photo_id);
    },
  };
}

export type AlbumsService = ReturnType<typeof createAlbumsService>;

function toAlbum(row: AlbumWithCount): Album {
  return {
    id: row.id,
    name: row.name,
    photoCount: row.photo_count,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}
