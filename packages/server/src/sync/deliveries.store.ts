import { createHash } from 'node:crypto';
import type { Queryable } from '../adapters/db/database.ts';

const DIGEST_PAGE = 5000;

/** Per-device acknowledgements, kept compactly as ranges of change ids with the time they were applied. */
export function createDeliveriesStore() {
  return {
    acked(db: Queryable, deviceId: string) {
      return db.selectFrom('device_sync').selectAll().where('device_id', '=', deviceId).executeTakeFirst();
    },

    async record(
      db: Queryable,
      d: {
        deviceId: string;
        accountId: string;
        from: number;
        to: number;
        servedHead: number;
        kind: string;
        count: number;
        at: number;
      },
    ): Promise<void> {
      await db
        .insertInto('sync_deliveries')
        .values({
          device_id: d.deviceId,
          account_id: d.accountId,
          from_change: d.from,
          to_change: d.to,
          served_head: d.servedHead,
          kind: d.kind,
          item_count: d.count,
          acked_at: d.at,
        })
        .execute();
      await db
        .insertInto('device_sync')
        .values({ device_id: d.deviceId, acked_change_id: d.to, acked_at: d.at })
        .onConflict((oc) => oc.column('device_id').doUpdateSet({ acked_change_id: d.to, acked_at: d.at }))
        .execute();
    },

    /**
     * What a batch (from, to] delivered, in one hash anyone holding the feed can recompute:
     * hex SHA-256 over `<change id> <kind> <entity id>\n` for each feed entry of the account in order.
     */
    async digest(db: Queryable, accountId: string, from: number, to: number): Promise<string> {
      const hash = createHash('sha256');
      for (let after = from; after < to;) {
        const rows = await db
          .selectFrom('changes')
          .select(['id', 'kind', 'entity_id'])
          .where('account_id', '=', accountId)
          .where('id', '>', after)
          .where('id', '<=', to)
          .orderBy('id')
          .limit(DIGEST_PAGE)
          .execute();
        for (const r of rows) hash.update(`${r.id} ${r.kind} ${r.entity_id}\n`);
        const last = rows.at(-1);
        if (!last || rows.length < DIGEST_PAGE) break;
        after = Number(last.id);
      }
      return hash.digest('hex');
    },

    /** The account's feed rows for one entity, in id order. */
    async rowsOf(db: Queryable, accountId: string, entityId: string) {
      const rows = await db
        .selectFrom('changes')
        .select(['id', 'kind'])
        .where('account_id', '=', accountId)
        .where('entity_id', '=', entityId)
        .orderBy('id')
        .execute();
      return rows.map((r) => ({ id: Number(r.id), kind: r.kind }));
    },

    /** These devices' acknowledged batches (of the account) that overlap change ids [first, last], oldest first. */
    async batchesOverlapping(
      db: Queryable,
      accountId: string,
      deviceIds: string[],
      first: number,
      last: number,
    ) {
      if (deviceIds.length === 0) return [];
      const rows = await db
        .selectFrom('sync_deliveries')
        .select(['device_id', 'from_change', 'to_change', 'served_head', 'kind', 'acked_at'])
        .where('device_id', 'in', deviceIds)
        .where('account_id', '=', accountId)
        .where('from_change', '<', last)
        .where('to_change', '>=', first)
        .orderBy('acked_at')
        .orderBy('id')
        .execute();
      return rows.map((r) => ({
        deviceId: r.device_id,
        from: Number(r.from_change),
        to: Number(r.to_change),
        servedHead: Number(r.served_head ?? r.to_change),
        kind: r.kind,
        ackedAt: Number(r.acked_at),
      }));
    },
  };
}

export type DeliveriesStore = ReturnType<typeof createDeliveriesStore>;
