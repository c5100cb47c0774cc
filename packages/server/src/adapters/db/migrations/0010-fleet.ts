import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '../database.ts';
import { columnTypes } from './column-types.ts';

/**
 * Device history: imported manufacturer shipments, retailer sales and outside activation records, and the
 * activations this server records itself. Serials are stored normalised (trimmed, upper case). The unique keys
 * make a re-imported row a no-op instead of a second sale.
 */
export function fleetMigration(dialect: DialectName): Migration {
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('fleet_imports')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('row_count', 'integer', (c) => c.notNull())
        .addColumn('imported_count', 'integer', (c) => c.notNull())
        .addColumn('imported_by', 'text', (c) => c.notNull())
        .addColumn('imported_at', t.time, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('fleet_shipments')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('import_id', 'text', (c) => c.notNull().references('fleet_imports.id'))
        .addColumn('serial', 'text', (c) => c.notNull())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('batch', 'text')
        .addColumn('ship_date', 'text', (c) => c.notNull())
        .addColumn('shipped_to', 'text', (c) => c.notNull())
        .addUniqueConstraint('fleet_shipments_row', ['serial', 'ship_date', 'shipped_to'])
        .execute();
      await db.schema
        .createTable('fleet_sales')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('import_id', 'text', (c) => c.notNull().references('fleet_imports.id'))
        .addColumn('serial', 'text', (c) => c.notNull())
        .addColumn('retailer', 'text', (c) => c.notNull())
        .addColumn('order_id', 'text', (c) => c.notNull())
        .addColumn('sale_date', 'text', (c) => c.notNull())
        .addColumn('channel', 'text')
        .addColumn('event', 'text', (c) => c.notNull())
        .addUniqueConstraint('fleet_sales_row', ['serial', 'retailer', 'order_id', 'event'])
        .execute();
      await db.schema
        .createTable('fleet_activations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('serial', 'text', (c) => c.notNull())
        .addColumn('at', t.time, (c) => c.notNull())
        .addColumn('local_time', 'text')
        .addColumn('account', 'text', (c) => c.notNull())
        .addColumn('place', 'text')
        .addColumn('device_id', 'text')
        .addColumn('import_id', 'text', (c) => c.references('fleet_imports.id'))
        .addColumn('audit_seq', t.bigint)
        .addUniqueConstraint('fleet_activations_row', ['serial', 'at', 'kind', 'account'])
        .execute();
      await db.schema
        .createIndex('fleet_activations_device')
        .on('fleet_activations')
        .columns(['device_id', 'at'])
        .execute();
    },
  };
}
