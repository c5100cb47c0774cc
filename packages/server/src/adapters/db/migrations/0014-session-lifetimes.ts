import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectName } from '../database.ts';
import { columnTypes } from './column-types.ts';

/**
 * Session lifetimes and re-authentication. `client` says what signed in (`web`: a browser, 30 days absolute and
 * 7 days idle; `device`: the CLI or a sync agent, refreshed while the device is trusted); `authenticated_at` is
 * when the session last proved the password or a second factor (sign-in or re-authentication), which sensitive
 * actions compare with a 15-minute window. Existing rows count as devices proved at sign-in.
 */
export function sessionLifetimesMigration(dialect: DialectName): Migration {
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('sessions')
        .addColumn('client', 'text', (c) => c.notNull().defaultTo('device'))
        .execute();
      await db.schema.alterTable('sessions').addColumn('authenticated_at', t.time).execute();
      await sql`update sessions set authenticated_at = created_at`.execute(db);
      // Housekeeping looks for expired sessions.
      await db.schema.createIndex('sessions_expires').on('sessions').column('expires_at').execute();
    },
  };
}
