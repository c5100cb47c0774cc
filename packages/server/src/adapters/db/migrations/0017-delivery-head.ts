import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '../database.ts';
import { columnTypes } from './column-types.ts';

export function deliveryHeadMigration(dialect: DialectName): Migration {
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<unknown>) {
      // The feed head an acknowledged page was read at: which version of an entity a page carried (or whether it
      // carried it at all) depends on the changes already committed when it was served. Null on batches
      // acknowledged before it was kept (read as the batch's upper end).
      await db.schema.alterTable('sync_deliveries').addColumn('served_head', t.bigint).execute();
      // The snapshot pages through an account's photos in id order: without this index each page sorted all of
      // the account's photos again (quadratic in the library's size).
      await db.schema.createIndex('photos_account_id').on('photos').columns(['account_id', 'id']).execute();
    },
  };
}
