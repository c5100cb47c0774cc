import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '../database.ts';
import { columnTypes } from './column-types.ts';

/**
 * Account administration: `accounts.disabled_at` (set while an admin has disabled the account: no sign-in, no
 * session) and `fleet_imports.file_name` (the name the importer gave the file, shown in the import list).
 */
export function accountAdminMigration(dialect: DialectName): Migration {
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('accounts').addColumn('disabled_at', t.time).execute();
      await db.schema.alterTable('fleet_imports').addColumn('file_name', 'text').execute();
    },
  };
}
