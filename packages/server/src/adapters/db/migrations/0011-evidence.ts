import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '../database.ts';

/**
 * Explain reads an account's entries of a few kinds (uploads, sign-ins, enrolments, deliveries) out of a log of
 * millions: keyed by account and kind, that is one range of the index per kind instead of the account's whole history.
 */
export function evidenceMigration(_dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createIndex('audit_events_account_kind')
        .on('audit_events')
        .columns(['account_id', 'kind', 'seq'])
        .execute();
    },
  };
}
