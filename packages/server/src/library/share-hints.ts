import type { Db } from '../adapters/db/database.ts';
import type { EventBus } from '../platform/events.ts';
import type { Logger } from '../platform/logger.ts';

/**
 * A change to a photo in shared albums was also written into the feeds of the albums' other accounts (see
 * changes.store); the photo service announces it to the owner only, so this wakes the others' devices too.
 */
export function relayShareHints(deps: { db: Db; events: EventBus; log: Logger }): () => void {
  return deps.events.on('photo.changed', (e) => {
    void (async () => {
      // The fanned-out rows follow the owner's row in the same transaction.
      const rows = await deps.db
        .selectFrom('changes')
        .select('account_id')
        .distinct()
        .where('entity_id', '=', e.photoId)
        .where('id', '>', e.changeId)
        .where('account_id', '!=', e.accountId)
        .execute();
      for (const r of rows)
        deps.events.emit('library.changed', { accountId: r.account_id, changeId: e.changeId });
    })().catch((err: unknown) => deps.log.warn({ err }, 'share hint failed'));
  });
}
