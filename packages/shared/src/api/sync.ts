import { z } from 'zod';
import { Photo } from './photos.ts';
import { AccountRef, AlbumRole } from './albums.ts';

/** An album as devices mirror it: its name, the ids of its photos, whose it is and the device account's right. */
export const SyncAlbum = z
  .object({
    id: z.string(),
    name: z.string(),
    photoIds: z.array(z.string()),
    updatedAt: z.string(),
    owner: AccountRef,
    role: AlbumRole,
  })
  .meta({ id: 'SyncAlbum' });
export type SyncAlbum = z.infer<typeof SyncAlbum>;

/**
 * One entry of the change feed: the entity's state as of now, or a tombstone. An entity appears once per page, at
 * its latest change.
 */
export const SyncChange = z
  .object({
    id: z.number().int(),
    type: z.enum(['photo', 'album']),
    op: z.enum(['upsert', 'delete']),
    entityId: z.string(),
    photo: Photo.optional(),
    /** Set on a photo of another account, seen through an album shared with this one: whose it is. */
    sharedBy: AccountRef.optional(),
    album: SyncAlbum.optional(),
  })
  .meta({ id: 'SyncChange' });
export type SyncChange = z.infer<typeof SyncChange>;

export const SyncChangesPage = z
  .object({
    changes: z.array(SyncChange),
    /** Opaque; pass it back to get what follows, and acknowledge it once applied. */
    cursor: z.string(),
    hasMore: z.boolean(),
  })
  .meta({ id: 'SyncChangesPage' });
export type SyncChangesPage = z.infer<typeof SyncChangesPage>;

/** Lines of the NDJSON snapshot stream. */
export type SnapshotLine =
  | { type: 'begin'; cursor: string }
  | { type: 'photo'; photo: Photo; sharedBy?: AccountRef }
  | { type: 'album'; album: SyncAlbum }
  | { type: 'end'; cursor: string; photos: number; albums: number };

export const SyncAck = z
  .object({
    cursor: z.string().min(1).max(200),
    /** `snapshot` after applying a whole snapshot; `changes` after applying feed pages. */
    kind: z.enum(['snapshot', 'changes']).default('changes'),
    count: z.number().int().min(0).max(10_000_000).default(0),
  })
  .meta({ id: 'SyncAck' });

export const SyncState = z
  .object({ ackedCursor: z.string().nullable(), ackedAt: z.string().nullable(), head: z.string() })
  .meta({ id: 'SyncState' });
export type SyncState = z.infer<typeof SyncState>;

export const PhotoDelivery = z
  .object({
    deviceId: z.string(),
    deviceName: z.string(),
    delivered: z.boolean(),
    deliveredAt: z.string().nullable(),
    /** How it arrived: in a full snapshot, or through the change feed. */
    via: z.enum(['snapshot', 'changes']).nullable(),
  })
  .meta({ id: 'PhotoDelivery' });
export type PhotoDelivery = z.infer<typeof PhotoDelivery>;

/** Messages on the live socket, server to device. */
export type PushMessage =
  /** cursor is null for a device that waits for approval: it may not learn where the feed stands. */
  | { type: 'hello'; deviceId: string; cursor: string | null }
  /**
   * The feed moved. When the move is a new upload, `photo` is that photo as the feed will carry it, so a device
   * may fetch it at once, before reading the page (which stays the source of truth).
   */
  | { type: 'feed'; cursor: string; photo?: Photo }
  | { type: 'signed-out'; reason: string }
  | { type: 'device'; event: string; data: unknown }
  | { type: 'pong' }
  | { type: 'error'; code: string; detail: string };
