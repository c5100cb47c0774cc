import type {
  AccountRef,
  Photo,
  PhotoDelivery,
  SnapshotLine,
  SyncAlbum,
  SyncChange,
  SyncChangesPage,
  SyncState,
} from '@shoebox/shared';
import type { Db } from '../adapters/db/database.ts';
import { requireTrusted } from '../devices/devices.service.ts';
import { AppError, notFound } from '../errors.ts';
import { toPhoto } from '../library/photo-dto.ts';
import { iso, type Clock } from '../platform/clock.ts';
import { newId } from '../platform/ids.ts';
import type { Principal } from '../platform/principal.ts';
import { decodeFeedCursor, encodeFeedCursor } from './cursor.ts';
import type { DeliveriesStore } from './deliveries.store.ts';
import type { FeedAlbumRow, FeedStore } from './feed.store.ts';
import type { AuditRecorder } from '../audit/audit.recorder.ts';

export interface SyncServiceDeps {
  db: Db;
  feed: FeedStore;
  deliveries: DeliveriesStore;
  clock: Clock;
  audit: AuditRecorder;
}

const SNAPSHOT_PAGE = 1000;

export function createSyncService({ db, feed, deliveries, clock, audit }: SyncServiceDeps) {
  let epoch = '';

  /** The change id a cursor stands for; anything we cannot honour becomes an explicit reset. */
  async function position(actor: Principal, cursor: string | undefined): Promise<number> {
    if (!cursor) return 0;
    const decoded = decodeFeedCursor(epoch, cursor);
    if (!decoded.ok)
      throw reset(
        decoded.reason === 'foreign'
          ? 'The cursor belongs to another server or an older copy of this one.'
          : 'The cursor is not valid.',
      );
    if (decoded.changeId > (await feed.head(db, actor.account.id)))
      throw reset('The cursor is ahead of this server’s feed (was it restored from a backup?).');
    return decoded.changeId;
  }

  async function toAlbums(viewerId: string, rows: FeedAlbumRow[]): Promise<SyncAlbum[]> {
    const members = await feed.albumPhotoIds(
      db,
      viewerId,
      rows.map((r) => r.id),
    );
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      photoIds: members.get(r.id) ?? [],
      updatedAt: iso(r.updated_at),
      owner: { accountId: r.account_id, email: r.owner_email, displayName: r.owner_name },
      role: r.member_role ?? 'owner',
    }));
  }

  /** The photos as this account sees them: its own, and others' it sees through albums (with whose they are). */
  async function visiblePhotos(viewerId: string, ids: string[]) {
    const rows = await feed.photosByIds(db, ids);
    const foreign = rows.filter((r) => r.account_id !== viewerId);
    const shared = await feed.visibleShared(
      db,
      viewerId,
      foreign.map((r) => r.id),
    );
    const owners = await feed.accounts(
      db,
      foreign.filter((r) => shared.has(r.id)).map((r) => r.account_id),
    );
    const visible = new Map<string, { photo: Photo; sharedBy?: AccountRef }>();
    for (const row of rows) {
      if (row.account_id === viewerId) visible.set(row.id, { photo: toPhoto(row) });
      else if (shared.has(row.id))
        visible.set(row.id, { photo: toPhoto(row), ...sharedBy(owners, row.account_id) });
    }
    return visible;
  }

  async function state(actor: Principal): Promise<SyncState> {
    requireTrusted(actor);
    const acked = await deliveries.acked(db, actor.device.id);
    return {
      ackedCursor: acked ? encodeFeedCursor(epoch, Number(acked.acked_change_id)) : null,
      ackedAt: acked ? iso(Number(acked.acked_at)) : null,
      head: encodeFeedCursor(epoch, await feed.head(db, actor.account.id)),
    };
  }

  async function* snapshotLines(actor: Principal): AsyncGenerator<SnapshotLine> {
    const head = await feed.head(db, actor.account.id);
    const cursor = encodeFeedCursor(epoch, head);
    yield { type: 'begin', cursor };
    let photos = 0;
    for (const shared of [false, true]) {
      // Most accounts share nothing: spare their snapshot a walk over everyone else's photos.
      if (shared && !(await feed.seesShared(db, actor.account.id))) break;
      let afterId = '';
      for (;;) {
        const rows = shared
          ? await feed.snapshotSharedPhotos(db, actor.account.id, head, afterId, SNAPSHOT_PAGE)
          : await feed.snapshotPhotos(db, actor.account.id, head, afterId, SNAPSHOT_PAGE);
        const owners = await feed.accounts(db, shared ? rows.map((r) => r.account_id) : []);
        for (const row of rows)
          yield { type: 'photo', photo: toPhoto(row), ...(shared ? sharedBy(owners, row.account_id) : {}) };
        photos += rows.length;
        const last = rows.at(-1);
        if (!last || rows.length < SNAPSHOT_PAGE) break;
        afterId = last.id;
      }
    }
    const albums = await toAlbums(actor.account.id, await feed.snapshotAlbums(db, actor.account.id, head));
    for (const album of albums) yield { type: 'album', album };
    yield { type: 'end', cursor, photos, albums: albums.length };
  }

  return {
    /** Loads (or creates) this database's epoch; cursors carry it. */
    async init(): Promise<void> {
      await db
        .insertInto('settings')
        .values({ key: 'feed_epoch', value: newId() })
        .onConflict((oc) => oc.column('key').doNothing())
        .execute();
      const row = await db
        .selectFrom('settings')
        .select('value')
        .where('key', '=', 'feed_epoch')
        .executeTakeFirstOrThrow();
      epoch = row.value;
    },

    cursorFor: (changeId: number) => encodeFeedCursor(epoch, changeId),

    async head(accountId: string): Promise<string> {
      return encodeFeedCursor(epoch, await feed.head(db, accountId));
    },

    /**
     * The changes after a cursor. Each entity is sent once, at its latest change, with its current state; a change
     * superseded by a later one is left for that one, so pages never disagree with each other.
     */
    async changes(actor: Principal, cursor: string | undefined, limit: number): Promise<SyncChangesPage> {
      requireTrusted(actor);
      const after = await position(actor, cursor);
      const rows = await feed.changesAfter(db, actor.account.id, after, limit + 1);
      const page = rows.slice(0, limit);
      // Fan-out writes a row per account that sees a change: this account's latest row of an entity carries its state.
      const latest = await feed.latestOf(db, actor.account.id, [...new Set(page.map((r) => r.entity_id))]);
      const current = page.filter((r) => latest.get(r.entity_id) === Number(r.id));
      const isPhoto = (kind: string) => kind.startsWith('photo.');
      const photos = await visiblePhotos(
        actor.account.id,
        current.filter((r) => isPhoto(r.kind)).map((r) => r.entity_id),
      );
      const albumRows = await feed.albumsByIds(
        db,
        actor.account.id,
        current.filter((r) => !isPhoto(r.kind)).map((r) => r.entity_id),
      );
      const albums = new Map((await toAlbums(actor.account.id, albumRows)).map((a) => [a.id, a]));
      // What the account no longer sees (deleted, trashed by another account, unshared) is a tombstone to it.
      const changes: SyncChange[] = current.map((r) => {
        const base = { id: Number(r.id), entityId: r.entity_id };
        if (isPhoto(r.kind)) {
          const seen = photos.get(r.entity_id);
          return seen
            ? { ...base, type: 'photo', op: 'upsert', ...seen }
            : { ...base, type: 'photo', op: 'delete' };
        }
        const album = albums.get(r.entity_id);
        return album
          ? { ...base, type: 'album', op: 'upsert', album }
          : { ...base, type: 'album', op: 'delete' };
      });
      const last = page.at(-1);
      return {
        changes,
        cursor: encodeFeedCursor(epoch, last ? Number(last.id) : after),
        hasMore: rows.length > limit,
      };
    },

    /**
     * The whole library as of now, streamed in pages so server memory stays bounded. Rows changed after the
     * snapshot began are left out: the device gets them from the feed after the `begin` cursor, exactly once.
     */
    snapshot(actor: Principal): AsyncGenerator<SnapshotLine> {
      // Checked before the stream starts, so a refusal is a proper error response rather than a broken stream.
      requireTrusted(actor);
      return snapshotLines(actor);
    },

    /** Records that this device has applied everything up to `cursor`. */
    async ack(
      actor: Principal,
      input: { cursor: string; kind: 'snapshot' | 'changes'; count: number },
    ): Promise<SyncState> {
      requireTrusted(actor);
      const decoded = decodeFeedCursor(epoch, input.cursor);
      if (!decoded.ok) throw reset('The acknowledged cursor is not one this server gave out.');
      const head = await feed.head(db, actor.account.id);
      if (decoded.changeId > head)
        throw new AppError('ack_beyond_head', `The cursor is beyond the feed (head ${head}).`);
      const now = clock.now();
      await db.transaction().execute(async (trx) => {
        const previous = await deliveries.acked(trx, actor.device.id);
        const from = input.kind === 'snapshot' ? 0 : Number(previous?.acked_change_id ?? 0);
        if (decoded.changeId <= from && input.kind === 'changes') return;
        await deliveries.record(trx, {
          deviceId: actor.device.id,
          accountId: actor.account.id,
          from,
          to: decoded.changeId,
          kind: input.kind,
          count: input.count,
          at: now,
        });
        await audit.record(trx, {
          accountId: actor.account.id,
          kind: 'sync.delivered',
          body: {
            deviceId: actor.device.id,
            fromChange: from,
            toChange: decoded.changeId,
            count: input.count,
            digest: await deliveries.digest(trx, actor.account.id, from, decoded.changeId),
          },
        });
      });
      return state(actor);
    },

    state,

    /** For each device of the account: whether and when it received this photo. */
    async deliveriesOf(
      actor: Principal,
      photoId: string,
      devices: { id: string; name: string }[],
    ): Promise<PhotoDelivery[]> {
      requireTrusted(actor);
      const first = await deliveries.firstChangeOf(db, actor.account.id, photoId);
      if (first === null) throw notFound('Photo');
      const rows = await deliveries.firstCovering(db, actor.account.id, first);
      return devices.map((d) => {
        const mine = rows
          .filter((r) => r.device_id === d.id)
          .sort((a, b) => Number(a.acked_at) - Number(b.acked_at))[0];
        return {
          deviceId: d.id,
          deviceName: d.name,
          delivered: Boolean(mine),
          deliveredAt: mine ? iso(Number(mine.acked_at)) : null,
          via: mine ? (mine.kind as 'snapshot' | 'changes') : null,
        };
      });
    },
  };
}

export type SyncService = ReturnType<typeof createSyncService>;

/** `sharedBy` for a photo of another account: whose it is. */
function sharedBy(
  owners: Map<string, { id: string; email: string; display_name: string }>,
  ownerId: string,
): { sharedBy?: AccountRef } {
  const owner = owners.get(ownerId);
  return owner
    ? { sharedBy: { accountId: owner.id, email: owner.email, displayName: owner.display_name } }
    : {};
}

function reset(detail: string): AppError {
  return new AppError(
    'cursor_reset',
    `${detail} Re-read the snapshot, then follow the feed from its cursor.`,
    { reset: true },
  );
}
