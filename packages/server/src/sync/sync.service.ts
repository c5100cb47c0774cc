import type { PhotoDelivery, SnapshotLine, SyncChangesPage, SyncState } from '@shoebox/shared';
import type { Db } from '../adapters/db/database.ts';
import { requireTrusted } from '../devices/devices.service.ts';
import { AppError, notFound } from '../errors.ts';
import { toPhoto } from '../library/photo-dto.ts';
import { iso, type Clock } from '../platform/clock.ts';
import { newId } from '../platform/ids.ts';
import type { Principal } from '../platform/principal.ts';
import { decodeFeedCursor, encodeFeedCursor } from './cursor.ts';
import type { DeliveriesStore } from './deliveries.store.ts';
import type { FeedStore } from './feed.store.ts';
import { batchBrought } from './delivery-rule.ts';
import { createFeedReader, sharedBy } from './feed-page.ts';
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
  const reader = createFeedReader(feed);

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
    if (decoded.servedHead > (await feed.head(db, actor.account.id)))
      throw reset('The cursor is ahead of this server’s feed (was it restored from a backup?).');
    return decoded.changeId;
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
          yield {
            type: 'photo',
            photo: toPhoto(row, actor.account.id),
            ...(shared ? sharedBy(owners, row.account_id) : {}),
          };
        photos += rows.length;
        const last = rows.at(-1);
        if (!last || rows.length < SNAPSHOT_PAGE) break;
        afterId = last.id;
      }
    }
    const albums = await reader.toAlbums(
      db,
      actor.account.id,
      await feed.snapshotAlbums(db, actor.account.id, head),
    );
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
      // One consistent view (a short read-only transaction): the head the cursor carries is the one the page's
      // versions were chosen by, which is what makes the delivery records exact.
      const page = await db
        .transaction()
        .setIsolationLevel('repeatable read')
        .execute((trx) => reader.page(trx, actor.account.id, after, limit));
      return {
        changes: page.changes,
        cursor: encodeFeedCursor(epoch, page.to, page.head),
        hasMore: page.hasMore,
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
      if (decoded.servedHead > head)
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
          servedHead: decoded.servedHead,
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
            servedHead: decoded.servedHead,
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
      const rows = await deliveries.rowsOf(db, actor.account.id, photoId);
      const first = rows[0];
      const last = rows.at(-1);
      if (!first || !last) throw notFound('Photo');
      // Oldest first: the first batch of each device that carried the photo is when it arrived there.
      const batches = await deliveries.batchesOverlapping(
        db,
        actor.account.id,
        devices.map((d) => d.id),
        first.id,
        last.id,
      );
      return devices.map((d) => {
        const mine = batches.find((b) => b.deviceId === d.id && batchBrought(rows, b));
        return {
          deviceId: d.id,
          deviceName: d.name,
          delivered: Boolean(mine),
          deliveredAt: mine ? iso(mine.ackedAt) : null,
          via: mine ? (mine.kind as 'snapshot' | 'changes') : null,
        };
      });
    },
  };
}

export type SyncService = ReturnType<typeof createSyncService>;

function reset(detail: string): AppError {
  return new AppError(
    'cursor_reset',
    `${detail} Re-read the snapshot, then follow the feed from its cursor.`,
    { reset: true },
  );
}
