import type { Queryable } from '../adapters/db/database.ts';

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
