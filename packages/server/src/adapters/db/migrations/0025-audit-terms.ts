import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '../database.ts';
import { columnTypes } from './column-types.ts';

/**
 * `audit_terms`: values that recur in an account's audit events (its device and session ids, the places it signs in
 * and uploads from), stored once per account and named from event bodies by number (audit/audit.terms.ts). A body
 * that names a term rebuilds the same committed text, so leaves and proofs do not change; the storage of a typical
 * upload entry drops from ~200 to ~75 body bytes. Forgetting an account deletes its terms with its key.
 *
 * `no` is one sequence for all owners, so concurrent appends of one account never compete for a number; the unique
 * (owner, value) index is how an append finds an existing term.
 *
 * SQLite also slims the two event indexes: seq is the rowid there, which every index entry carries anyway and which
 * the planner uses for ranges and order after the other columns, so (owner, seq) and (owner, kind, seq) stored seq
 * twice. (owner) and (owner, kind) answer the same queries in the same order, a few bytes smaller per entry.
 */
export function auditTermsMigration(dialect: DialectName): Migration {
  const t = columnTypes(dialect);
  const bytes = dialect === 'postgres' ? 'bytea' : 'blob';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('audit_terms')
        .addColumn('no', t.serial, t.serialConstraint)
        .addColumn('owner', 'integer', (c) => c.notNull())
        .addColumn('value', bytes, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('audit_terms_owner_value')
        .on('audit_terms')
        .columns(['owner', 'value'])
        .unique()
        .execute();
      if (dialect !== 'sqlite') return;
      for (const [name, columns] of [
        ['audit_events_owner', ['owner']],
        ['audit_events_owner_kind', ['owner', 'kind']],
      ] as const) {
        await db.schema.dropIndex(name).execute();
        await db.schema
          .createIndex(name)
          .on('audit_events')
          .columns([...columns])
          .execute();
      }
    },
  };
}
