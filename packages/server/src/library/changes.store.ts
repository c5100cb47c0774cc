import type { Queryable } from '../adapters/db/database.ts';
import type { DbFeatures } from '../adapters/db/features.ts';

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
  | 'album.photos-removed';

/** The library's change feed: one row per change, written in the transaction of the change itself. */
export function createChangesStore(features: DbFeatures) {
  return {
    async record(
      trx: Queryable,
      change: { accountId: string; kind: ChangeKind; entityId: string; body?: unknown; now: number },
    ): Promise<number> {
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
      return id;
    },
  };
}

export type ChangesStore = ReturnType<typeof createChangesStore>;
