import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '../database.ts';
import { columnTypes } from './column-types.ts';

/** Second factors (TOTP, recovery codes), e-mailed enrolment codes, "This wasn't me" links. */
export function factorsMigration(dialect: DialectName): Migration {
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('totp_factors')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('confirmed_at', t.time)
        // The highest time step accepted so far: a code is never accepted twice.
        .addColumn('last_step', t.bigint, (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex('totp_factors_account').on('totp_factors').column('account_id').execute();
      await db.schema
        .createTable('recovery_codes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('code_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('used_at', t.time)
        .addColumn('used_by_device_id', 'text')
        .execute();
      await db.schema
        .createIndex('recovery_codes_account')
        .on('recovery_codes')
        .columns(['account_id', 'code_hash'])
        .execute();
      await db.schema
        .createTable('not_me_tokens')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('device_id', 'text')
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('expires_at', t.time, (c) => c.notNull())
        .addColumn('used_at', t.time)
        .execute();
      await db.schema.alterTable('enrolments').addColumn('email_code_hash', 'text').execute();
      await db.schema.alterTable('enrolments').addColumn('email_code_expires_at', t.time).execute();
      // Set once the owner was told that this password sign-in was never completed.
      await db.schema.alterTable('enrolments').addColumn('half_notice_at', t.time).execute();
      await db.schema.alterTable('accounts').addColumn('password_change_required_at', t.time).execute();
    },
  };
}
