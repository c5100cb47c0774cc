import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '../database.ts';
import { columnTypes } from './column-types.ts';

/** Letting a new device in: one row per enrolment attempt and how it ended. */
export function trustMigration(dialect: DialectName): Migration {
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('enrolments')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id').onDelete('cascade'))
        .addColumn('session_id', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('expires_at', t.time, (c) => c.notNull())
        .addColumn('ip', 'text')
        .addColumn('place', 'text')
        .addColumn('code_hash', 'text')
        .addColumn('code_expires_at', t.time)
        .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('decided_at', t.time)
        .addColumn('decided_by_device_id', 'text')
        .addColumn('decided_factor', 'text')
        .addColumn('decided_ip', 'text')
        .execute();
      await db.schema
        .createIndex('enrolments_device')
        .on('enrolments')
        .columns(['device_id', 'state'])
        .execute();
      await db.schema
        .createIndex('enrolments_account')
        .on('enrolments')
        .columns(['account_id', 'state'])
        .execute();
    },
  };
}
