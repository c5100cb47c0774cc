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

    /** The first acknowledged batch of each device that covered change `changeId`. */
    firstCovering(db: Queryable, accountId: string, changeId: number) {
      return db
        .selectFrom('sync_deliveries')
        .select(['device_id', 'kind', (eb) => eb.fn.min('acked_at').as('acked_at')])
        .where('account_id', '=', accountId)
        .where('from_change', '<', changeId)
        .where('to_change', '>=', changeId)
        .groupBy(['device_id', 'kind'])
        .execute();
    },

    async firstChangeOf(db: Queryable, accountId: string, entityId: string): Promise<number | null> {
      const row = await db
        .selectFrom('changes')
        .select((eb) => eb.fn.min('id').as('first'))
        .where('account_id', '=', accountId)
        .where('entity_id', '=', entityId)
        .executeTakeFirst();
      return row?.first === null || row?.first === undefined ? null : Number(row.first);
    },
  };
}

export type DeliveriesStore = ReturnType<typeof createDeliveriesStore>;
