import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '../database.ts';

/**
 * Risk signals raised at sign-in (JSON arrays of flag names): on the session they were raised for, and on the
 * device as those of its latest sign-in, which is what its entry and its approval request show. Null on rows
 * from before the signals existed.
 */
export function riskMigration(_dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('sessions').addColumn('risk_flags', 'text').execute();
      await db.schema.alterTable('devices').addColumn('risk_flags', 'text').execute();
    },
  };
}
