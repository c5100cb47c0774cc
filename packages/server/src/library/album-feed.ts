import type { Queryable } from '../adapters/db/database.ts';
import type { EventBus } from '../platform/events.ts';
import type { ChangeKind, ChangesStore } from './changes.store.ts';

/**
 * Fan-out on write for albums: a change to an album is written into the feed of every account that sees it (its
 * owner and members), in the transaction of the change, so each account's feed stays its own and a member's
 * delivery records cover what it was sent.
 */
export function createAlbumFeed(changes: ChangesStore, events: EventBus) {
  return {
    /** First thing in a transaction that reads an album's audience (see ChangesStore.lock). */
    lock: (trx: Queryable) => changes.lock(trx),

    /**
     * A change to the album itself for its whole audience (owner first). The owner's row comes first and moves
     * albums.change_id, so the group's smallest id is what a snapshot compares with its cursor.
     */
    async albumChanged(
      trx: Queryable,
      audience: readonly string[],
      change: { kind: ChangeKind; albumId: string; body?: unknown; now: number },
    ): Promise<number> {
      const [owner, ...members] = audience;
      if (!owner) throw new Error('An album has an owner.');
      const entity = { kind: change.kind, entityId: change.albumId, body: change.body, now: change.now };
      const id = await changes.record(trx, { accountId: owner, ...entity });
      await changes.fanOut(trx, members, entity);
      return id;
    },

    /** Photos that came into (`photo.shared`) or left (`photo.unshared`) the view of these accounts. */
    async photosMoved(
      trx: Queryable,
      accounts: readonly string[],
      photos: readonly { id: string; account_id: string }[],
      kind: 'photo.shared' | 'photo.unshared',
      now: number,
    ): Promise<void> {
      // An account's own photo never leaves its view, and never arrives through an album.
      const entries = photos.flatMap((photo) =>
        [...new Set(accounts)]
          .filter((a) => a !== photo.account_id)
          .map((accountId) => ({ accountId, entityId: photo.id })),
      );
      await changes.fanOutEach(trx, entries, { kind, now });
    },

    /** After commit: every device of these accounts should pull. */
    announce(accounts: readonly string[], changeId: number): void {
      for (const accountId of new Set(accounts)) events.emit('library.changed', { accountId, changeId });
    },
  };
}

export type AlbumFeed = ReturnType<typeof createAlbumFeed>;
