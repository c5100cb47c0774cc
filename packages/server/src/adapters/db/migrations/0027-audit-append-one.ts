import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectName } from '../database.ts';
import { appendOneFunction } from '../audit-append-one.ts';

/**
 * PostgreSQL's audit_append_one(): an append in one round trip for an owner whose key the appender knows
 * (adapters/db/audit-append-one.ts). Before it, one commit per action cost a round trip more than the action alone
 * (claim, then write), and the machine's one-commit-per-action audit rate sat at half its plain-insert rate. Nothing
 * stored changes. SQLite appends in-process and needs nothing.
 */
export function auditAppendOneMigration(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect === 'postgres') await sql.raw(appendOneFunction).execute(db);
    },
  };
}
