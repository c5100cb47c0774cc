import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '../database.ts';
import { columnTypes } from './column-types.ts';

/**
 * `audit_witnessed`: the checkpoints each trusted device reports it verified (audit/audit.witnessed.ts), one row per
 * device and size, so that an export carries what all of the account's devices saw, not only the exporting one. The
 * note is the log's signed checkpoint as the device got it: the server cannot forge a row that an offline check of
 * the export would accept, and a row it drops or alters only weakens, never fakes, the evidence.
 */
export function auditWitnessedMigration(dialect: DialectName): Migration {
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('audit_witnessed')
        .addColumn('device_id', 'text', (c) => c.notNull())
        .addColumn('size', t.bigint, (c) => c.notNull())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('root', 'text', (c) => c.notNull())
        .addColumn('note', 'text', (c) => c.notNull())
        .addColumn('seen_at', t.time, (c) => c.notNull())
        .addPrimaryKeyConstraint('audit_witnessed_pk', ['device_id', 'size'])
        .execute();
      await db.schema
        .createIndex('audit_witnessed_account')
        .on('audit_witnessed')
        .columns(['account_id', 'size'])
        .execute();
    },
  };
}
