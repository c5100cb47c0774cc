import fsp from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { ExistsResponse, Photo, PhotoPage } from '@shoebox/shared';
import type { Db } from '../adapters/db/database.ts';
import type { DbFeatures } from '../adapters/db/features.ts';
import type { PhotoStatus } from '../adapters/db/schema.ts';
import {
  derivativeKey,
  originalKey,
  type BlobStore,
  type ByteRange,
  type DerivativeKind,
} from '../adapters/blobs/blob-store.ts';
import type { GeoLocator } from '../adapters/geo/geo.ts';
import { requireTrusted } from '../devices/devices.service.ts';
import { AppError, notFound } from '../errors.ts';
import type { Clock } from '../platform/clock.ts';
import type { EventBus } from '../platform/events.ts';
import { newId } from '../platform/ids.ts';
import type { Principal } from '../platform/principal.ts';
import type { JobsStore } from '../jobs/jobs.store.ts';
import type { BlobsStore } from './blobs.store.ts';
import type { ChangesStore } from './changes.store.ts';
import { buildPhotoRow, readPhotoMetadata, receive, storeOriginal, type UploadClaims } from './ingest.ts';
import { decodeCursor, encodeCursor, toPhoto } from './photo-dto.ts';
import type { PhotosStore } from './photos.store.ts';
import type { AlbumMembersStore } from './album-members.store.ts';
import { actorOf, auditPlace, type AuditRecorder } from '../audit/audit.recorder.ts';

export const DERIVATIVES_JOB = 'media.derivatives';
/**
 * A new upload's thumbnail and preview are made this long after it commits: decoding a 12 MP photo takes every
 * core of a small server for a moment, and in that moment the account's other devices are fetching the original
 * (on two cores the decode doubled the time from upload to the other device's folder). They follow right after.
 */
export const DERIVATIVES_DEFER_MS = 500;

export interface PhotosServiceDeps {
  db: Db;
  features: DbFeatures;
  photos: PhotosStore;
  blobsDb: BlobsStore;
  changes: ChangesStore;
  jobs: JobsStore;
  blobs: BlobStore;
  geo: GeoLocator;
  events: EventBus;
  clock: Clock;
  stagingDir: string;
  maxUploadBytes: number;
  audit: AuditRecorder;
  /** Photos of other accounts the caller sees through shared albums (view and download only). */
  shared: Pick<AlbumMembersStore, 'visiblePhoto'>;
}

export function createPhotosService(deps: PhotosServiceDeps) {
  const { db, features, photos, blobsDb, changes, jobs, blobs, geo, events, clock, audit } = deps;

  async function load(actor: Principal, id: string) {
    const row = await photos.find(db, actor.account.id, id);
    if (!row) throw notFound('Photo');
    return row;
  }

  /** Own photos, or another account's photo in an album the caller owns or is a member of. */
  async function loadVisible(actor: Principal, id: string) {
    const row =
      (await photos.find(db, actor.account.id, id)) ??
      (await deps.shared.visiblePhoto(db, actor.account.id, id));
    if (!row) throw notFound('Photo');
    return row;
  }

  /**
   * Streams an upload to staging, checks it, stores the original, and only then commits the photo row: a reply
   * of success means the bytes are on disk and recorded. Uploading content the account already has returns the
   * existing photo.
   */
  async function upload(
    actor: Principal,
    source: Readable,
    claims: UploadClaims,
  ): Promise<{ photo: Photo; created: boolean }> {
    requireTrusted(actor);
    const { staged, type } = await receive(source, deps.stagingDir, deps.maxUploadBytes, claims);
    try {
      const existing = await photos.findBySha(db, actor.account.id, staged.sha256);
      if (existing) return { photo: toPhoto(existing, actor.account.id), created: false };

      const meta = await readPhotoMetadata(staged.path, type);
      const now = clock.now();
      const alreadyStored = await blobsDb.has(db, staged.sha256);
      const intentId = newId(now);
      if (!alreadyStored) {
        await blobsDb.addIntent(db, {
          id: intentId,
          blobKey: originalKey(staged.sha256),
          sha256: staged.sha256,
          now,
        });
      }
      await storeOriginal(blobs, staged, alreadyStored);
      const mediaReady =
        alreadyStored && (await blobs.size(derivativeKey(staged.sha256, 'thumbnail'))) !== null;
      const photoId = newId(now);
      const place = geo.locate(actor.ip);
      const row = buildPhotoRow(
        {
          id: photoId,
          accountId: actor.account.id,
          deviceId: actor.device.id,
          sessionId: actor.session.id,
          ip: actor.ip,
          place,
          now,
        },
        staged,
        type,
        meta,
        claims,
        mediaReady,
      );
      let changeId: number;
      try {
        changeId = await db.transaction().execute(async (trx) => {
          if (!alreadyStored && !(await blobsDb.resolveIntent(trx, intentId))) {
            throw new AppError(
              'upload_aborted',
              'The upload was interrupted by a server restart; send it again.',
            );
          }
          await blobsDb.insert(trx, staged.sha256, staged.size, now);
          await photos.insert(trx, row);
          if (!mediaReady)
            await jobs.enqueue(
              trx,
              {
                kind: DERIVATIVES_JOB,
                payload: { sha256: staged.sha256, mime: type.mime },
                runAt: now + DERIVATIVES_DEFER_MS,
              },
              now,
            );
          const changeId = await changes.record(trx, {
            accountId: actor.account.id,
            kind: 'photo.added',
            entityId: photoId,
            now,
          });
          await audit.record(trx, {
            accountId: actor.account.id,
            kind: 'photo.uploaded',
            body: {
              ...actorOf(actor),
              ip: actor.ip,
              place: auditPlace(place),
              photoId,
              sha256: staged.sha256,
            },
          });
          return changeId;
        });
      } catch (err) {
        // Two uploads of the same file raced: the other one won, and its photo is this photo.
        if (features.isUniqueViolation(err)) {
          const winner = await photos.findBySha(db, actor.account.id, staged.sha256);
          if (winner) return { photo: toPhoto(winner, actor.account.id), created: false };
        }
        throw err;
      }
      // The hint goes out first and carries the photo, so other devices can fetch it at once; only then is the
      // thumbnail job woken.
      const added = await photos.find(db, actor.account.id, photoId);
      const photo = added && toPhoto(added, actor.account.id);
      events.emit('photo.added', { accountId: actor.account.id, photoId, changeId, photo });
      if (!mediaReady)
        setTimeout(
          () => events.emit('jobs.enqueued', { kind: DERIVATIVES_JOB }),
          DERIVATIVES_DEFER_MS,
        ).unref();
      if (!photo) throw notFound('Photo'); // deleted in the instant since its commit
      return { photo, created: true };
    } finally {
      await fsp.rm(staged.path, { force: true });
    }
  }

  async function setStatus(actor: Principal, id: string, status: PhotoStatus): Promise<Photo> {
    requireTrusted(actor);
    const now = clock.now();
    const changeId = await db.transaction().execute(async (trx) => {
      // Changes to a photo are ordered by the feed lock, taken before the photo is read: a trash racing a permanent
      // delete then sees the delete and answers 404, instead of recording a change for a photo that is gone (or, on
      // PostgreSQL, deadlocking against the delete, which takes the lock before the row).
      await features.serializeChangeFeed(trx);
      const row = await photos.find(trx, actor.account.id, id);
      if (!row) throw notFound('Photo');
      if (row.status === status) return null;
      await photos.update(trx, actor.account.id, id, {
        status,
        trashed_at: status === 'trashed' ? now : null,
      });
      const kind = status === 'trashed' ? 'photo.trashed' : 'photo.restored';
      const changeId = await changes.record(trx, {
        accountId: actor.account.id,
        kind,
        entityId: id,
        body: { by: actor.device.id },
        now,
      });
      await audit.record(trx, {
        accountId: actor.account.id,
        kind,
        body: { ...actorOf(actor), photoId: id, ip: actor.ip },
      });
      return changeId;
    });
    if (changeId !== null)
      events.emit('photo.changed', { accountId: actor.account.id, photoId: id, changeId });
    return toPhoto(await load(actor, id), actor.account.id);
  }

  /**
   * Deletes for good; the bytes go when no photo of any account refers to them any more. `by` is the device that
   * asked, or null when housekeeping expires the trash.
   */
  async function destroy(accountId: string, id: string, by: Principal | null, reason: string): Promise<void> {
    const now = clock.now();
    const result = await db.transaction().execute(async (trx) => {
      // Locked before the read, as in setStatus: of two racing deletes the second finds nothing (404).
      await features.serializeChangeFeed(trx);
      const row = await photos.find(trx, accountId, id);
      if (!row) throw notFound('Photo');
      // Recorded first: the change reaches the albums' audiences, found through rows the delete cascades away.
      const changeId = await changes.record(trx, {
        accountId,
        kind: 'photo.deleted',
        entityId: id,
        body: { by: by?.device.id ?? null },
        now,
      });
      await photos.delete(trx, accountId, id);
      await audit.record(trx, {
        accountId,
        kind: 'photo.deleted',
        body: {
          deviceId: by?.device.id ?? null,
          sessionId: by?.session.id ?? null,
          ip: by?.ip ?? null,
          photoId: id,
          sha256: row.sha256,
          reason,
        },
      });
      const orphan = (await photos.countBySha(trx, row.sha256)) === 0;
      if (orphan) await blobsDb.delete(trx, row.sha256);
      return { changeId, orphan, sha256: row.sha256 };
    });
    if (result.orphan) {
      await blobs.delete(originalKey(result.sha256));
      await blobs.delete(derivativeKey(result.sha256, 'thumbnail'));
      await blobs.delete(derivativeKey(result.sha256, 'preview'));
    }
    events.emit('photo.changed', { accountId, photoId: id, changeId: result.changeId });
  }

  return {
    upload,

    async exists(actor: Principal, shas: string[]): Promise<ExistsResponse> {
      requireTrusted(actor);
      const found = await photos.existingShas(db, actor.account.id, [...new Set(shas)]);
      return {
        existing: Object.fromEntries([...found].map(([sha, p]) => [sha, p.id])),
        trashed: [...found].filter(([, p]) => p.status === 'trashed').map(([sha]) => sha),
      };
    },

    async list(
      actor: Principal,
      options: { status: PhotoStatus; cursor?: string | undefined; limit: number },
    ): Promise<PhotoPage> {
      requireTrusted(actor);
      const after = options.cursor ? decodeCursor(options.cursor) : null;
      if (options.cursor && !after)
        throw new AppError('invalid_cursor', 'The cursor is not one this server gave out.');
      const rows = await photos.page(db, actor.account.id, options.status, after, options.limit + 1);
      const items = rows.slice(0, options.limit);
      const last = items.at(-1);
      return {
        items: items.map((row) => toPhoto(row, actor.account.id)),
        nextCursor: rows.length > options.limit && last ? encodeCursor(last.sort_time, last.id) : null,
      };
    },

    async get(actor: Principal, id: string): Promise<Photo> {
      requireTrusted(actor);
      return toPhoto(await loadVisible(actor, id), actor.account.id);
    },

    trash: (actor: Principal, id: string) => setStatus(actor, id, 'trashed'),
    restore: (actor: Principal, id: string) => setStatus(actor, id, 'active'),

    async delete(actor: Principal, id: string): Promise<void> {
      requireTrusted(actor);
      await destroy(actor.account.id, id, actor, 'deleted');
    },

    async emptyTrash(actor: Principal): Promise<number> {
      requireTrusted(actor);
      let deleted = 0;
      for (;;) {
        const page = await photos.page(db, actor.account.id, 'trashed', null, 200);
        if (page.length === 0) return deleted;
        for (const row of page) await destroy(actor.account.id, row.id, actor, 'trash-emptied');
        deleted += page.length;
      }
    },

    /**
     * Account deletion: permanently deletes up to `max` of the account's photos, trashed or not, through the one
     * delete path (feed tombstones for everyone who saw them, blobs gone when no other photo has the content).
     * Returns how many went; fewer than `max` means none are left.
     */
    async purgeAccount(accountId: string, max: number): Promise<number> {
      let deleted = 0;
      for (const status of ['trashed', 'active'] as const) {
        while (deleted < max) {
          const page = await photos.page(db, accountId, status, null, Math.min(200, max - deleted));
          if (page.length === 0) break;
          for (const row of page) {
            // A racing delete (the owner's last request, or trash expiry) got there first: already gone.
            await destroy(accountId, row.id, null, 'account-deleted').catch((err: unknown) => {
              if (!(err instanceof AppError && err.code === 'not_found')) throw err;
            });
            deleted++;
          }
        }
      }
      return deleted;
    },

    /** Permanently deletes photos trashed before the retention limit (housekeeping). */
    async expireTrash(before: number): Promise<number> {
      const rows = await photos.trashedBefore(db, before, 500);
      for (const row of rows) await destroy(row.account_id, row.id, null, 'trash-expired');
      return rows.length;
    },

    /** Opens the original or a derivative for download. */
    async open(actor: Principal, id: string, variant: 'original' | DerivativeKind) {
      requireTrusted(actor);
      const row = await loadVisible(actor, id);
      const key = variant === 'original' ? originalKey(row.sha256) : derivativeKey(row.sha256, variant);
      const size = await blobs.size(key);
      if (size === null) {
        if (variant === 'original')
          throw new AppError('internal', 'The original file is missing from storage.');
        const why =
          row.media_state === 'pending'
            ? 'is still being made'
            : `is not available: ${row.media_note ?? 'unknown reason'}`;
        throw new AppError('not_found', `The ${variant} of this photo ${why}.`);
      }
      const etag = `"${row.sha256}${variant === 'original' ? '' : `-${variant}`}"`;
      const mime = variant === 'original' ? row.mime : 'image/jpeg';
      const fileName = variant === 'original' ? (row.file_name ?? `${row.id}`) : `${row.id}-${variant}.jpg`;
      return { size, etag, mime, fileName, read: (range?: ByteRange) => blobs.read(key, range) };
    },
  };
}

export type PhotosService = ReturnType<typeof createPhotosService>;
