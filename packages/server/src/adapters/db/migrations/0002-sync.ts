import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '../database.ts';
import { columnTypes } from './column-types.ts';

/** Change-feed bookkeeping: last change per entity, per-device acknowledgements and delivery ranges. */
export function syncMigration(dialect: DialectName): Migration {
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<unknown>) {
      // The id of the latest change to each entity: lets a snapshot skip rows that changed after it began.
      await db.schema
        .alterTable('photos')
        .addColumn('change_id', t.bigint, (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .alterTable('albums')
        .addColumn('change_id', t.bigint, (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createIndex('photos_account_change')
        .on('photos')
        .columns(['account_id', 'change_id'])
        .execute();

      await db.schema
        .createTable('device_sync')
        .addColumn('device_id', 'text', (c) => c.primaryKey().references('devices.id').onDelete('cascade'))
        .addColumn('acked_change_id', t.bigint, (c) => c.notNull())
        .addColumn('acked_at', t.time, (c) => c.notNull())
        .execute();

      // One row per acknowledged batch: the range of change ids the device applied, and when.
      await db.schema
        .createTable('sync_deliveries')
        .addColumn('id', t.serial, (c) => t.serialConstraint(c))
        .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id').onDelete('cascade'))
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('from_change', t.bigint, (c) => c.notNull())
        .addColumn('to_change', t.bigint, (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('item_count', 'integer', (c) => c.notNull())
        .addColumn('acked_at', t.time, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('sync_deliveries_device')
        .on('sync_deliveries')
        .columns(['device_id', 'to_change'])
        .execute();
    },
  };
}
