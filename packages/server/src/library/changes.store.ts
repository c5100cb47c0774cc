import type { Queryable } from '../adapters/db/database.ts';
import type { DbFeatures } from '../adapters/db/features.ts';
import { albumsHolding } from './album-members.store.ts';

export type ChangeKind =
  | 'photo.added'
  | 'photo.updated'
  | 'photo.trashed'
  | 'photo.restored'
  | 'photo.deleted'
  | 'album.created'
  | 'album.renamed'
  | 'album.deleted'
  | 'album.photos-added'
  | 'album.photos-removed'
  | 'album.share-granted'
  | 'album.share-revoked'
  // Only ever fanned out to the accounts concerned: a photo of another account came into or left their view.
  | 'photo.shared'
  | 'photo.unshared';

const FAN_OUT_BATCH = 500;

type Change = { accountId: string; kind: ChangeKind; entityId: string; body?: unknown; now: number };

/**
 * The library's change feed: one row per change and account that sees it, written in the transaction of the change
 * itself. A change to a photo in albums is fanned out to everyone who sees those albums (see album-members.store).
 */
export function createChangesStore(features: DbFeatures) {
  /** One row per account; returns the first id (the group's rows are consecutive: the feed is serialised). */
  async function fanOut(trx: Queryable, accountIds: string[], change: Omit<Change, 'accountId'>) {
    const unique = [...new Set(accountIds)];
    if (unique.length === 0) return null;
    await features.serializeChangeFeed(trx);
    const body = JSON.stringify(change.body ?? {});
    const rows = await trx
      .insertInto('changes')
      .values(
        unique.map((accountId) => ({
          account_id: accountId,
          kind: change.kind,
          entity_id: change.entityId,
          body,
          created_at: change.now,
        })),
      )
      .returning('id')
      .execute();
    return Math.min(...rows.map((r) => Number(r.id)));
  }

  /**
   * The same change for every other account that sees the photo through albums; a deletion also changes those albums
   * for their audiences (callers record a deletion before the delete, whose cascade takes the album rows away).
   */
  async function reachAudience(trx: Queryable, change: Change): Promise<void> {
    const holding = await albumsHolding(trx, change.entityId);
    const others = holding.flatMap((h) => h.audience).filter((a) => a !== change.accountId);
    await fanOut(trx, others, change);
    if (change.kind !== 'photo.deleted') return;
    for (const { albumId, audience } of holding) {
      const first = await fanOut(trx, audience, {
        kind: 'album.photos-removed',
        entityId: albumId,
        body: { photoIds: [change.entityId] },
        now: change.now,
      });
      if (first !== null)
        await trx.updateTable('albums').set({ change_id: first }).where('id', '=', albumId).execute();
    }
  }

  return {
    fanOut,

    /**
     * Takes the feed's lock now, before the transaction reads who sees an album: a grant and an addition committing
     * side by side would otherwise each miss the other, and the new member never get the new photo.
     */
    lock: (trx: Queryable) => features.serializeChangeFeed(trx),

    /** Many entities, each for its own accounts, in few statements (a grant can bring thousands of photos). */
    async fanOutEach(
      trx: Queryable,
      entries: { accountId: string; entityId: string }[],
      change: { kind: ChangeKind; now: number },
    ): Promise<void> {
      if (entries.length === 0) return;
      await features.serializeChangeFeed(trx);
      for (let i = 0; i < entries.length; i += FAN_OUT_BATCH) {
        const rows = entries.slice(i, i + FAN_OUT_BATCH).map((e) => ({
          account_id: e.accountId,
          kind: change.kind,
          entity_id: e.entityId,
          body: '{}',
          created_at: change.now,
        }));
        await trx.insertInto('changes').values(rows).execute();
      }
    },

    async record(trx: Queryable, change: Change): Promise<number> {
      await features.serializeChangeFeed(trx);
      const row = await trx
        .insertInto('changes')
        .values({
          account_id: change.accountId,
          kind: change.kind,
          entity_id: change.entityId,
          body: JSON.stringify(change.body ?? {}),
          created_at: change.now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const id = Number(row.id);
      // The entity remembers its latest change, so a snapshot can tell what it must leave to the feed.
      if (change.kind.startsWith('photo.') && change.kind !== 'photo.deleted') {
        await trx.updateTable('photos').set({ change_id: id }).where('id', '=', change.entityId).execute();
      } else if (change.kind.startsWith('album.') && change.kind !== 'album.deleted') {
        await trx.updateTable('albums').set({ change_id: id }).where('id', '=', change.entityId).execute();
      }
      // A new photo is in no album yet; anything else may be seen by other accounts too.
      if (change.kind.startsWith('photo.') && change.kind !== 'photo.added') await reachAudience(trx, change);
      return id;
    },
  };
}

export type ChangesStore = ReturnType<typeof createChangesStore>;
