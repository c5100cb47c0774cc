import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '../database.ts';
import { columnTypes } from './column-types.ts';

/** Failed sign-ins, kept in the database so every server instance applies the same limits. */
export function throttleMigration(dialect: DialectName): Migration {
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('sign_in_failures')
        .addColumn('id', t.serial, (c) => t.serialConstraint(c))
        .addColumn('account_id', 'text')
        /** SHA-256 of the normalised e-mail: counts attempts on unknown accounts without storing what was typed. */
        .addColumn('email_hash', 'text', (c) => c.notNull())
        .addColumn('ip', 'text', (c) => c.notNull())
        .addColumn('at', t.time, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('sign_in_failures_email')
        .on('sign_in_failures')
        .columns(['email_hash', 'at'])
        .execute();
      await db.schema
        .createIndex('sign_in_failures_ip')
        .on('sign_in_failures')
        .columns(['ip', 'at'])
        .execute();
      // The last success resets the "consecutive failures" count of an account.
      await db.schema
        .createTable('sign_in_successes')
        .addColumn('email_hash', 'text', (c) => c.primaryKey())
        .addColumn('at', t.time, (c) => c.notNull())
        .execute();
    },
  };
}
