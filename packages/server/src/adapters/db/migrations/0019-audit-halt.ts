import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '../database.ts';
import { columnTypes } from './column-types.ts';

/**
 * Halts of audit checkpoint signing, shared by every instance on the database (audit/audit.halt.ts). A failed full
 * verification, or a signer that finds the log inconsistent, adds a row; every instance's signer reads the latest
 * row each round and stops while it is open. Rows are never deleted by the server: an operator's passing full
 * verification closes one with a note signed by the log key (the key lives in a file, so whoever can edit the
 * database cannot close a halt), and puts an `audit.halt-cleared` entry on the log.
 */
export function auditHaltMigration(dialect: DialectName): Migration {
  const t = columnTypes(dialect);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('audit_halts')
        .addColumn('id', t.serial, (c) => t.serialConstraint(c))
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('halted_at', t.time, (c) => c.notNull())
        .addColumn('cleared_at', t.time)
        /** The admin account that cleared it. */
        .addColumn('cleared_by', 'text')
        /** Signed note naming the halt id and the head the clearing verification vouched for. */
        .addColumn('clearance', 'text')
        .execute();
    },
  };
}
