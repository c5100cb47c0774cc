import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '../database.ts';
import { columnTypes } from './column-types.ts';

/**
 * The tamper-evident audit log: an RFC 6962 Merkle log of private leaves (audit_leaves), the
 * openable events behind them, stored subtree hashes for fast proofs, per-account tag keys and
 * signed checkpoints. seq/id columns are INTEGER PRIMARY KEY on SQLite (the rowid itself, no extra
 * index), which keeps the log near 80 bytes per entry.
 */
export function auditMigration(dialect: DialectName): Migration {
  const t = columnTypes(dialect);
  const bytes = dialect === 'postgres' ? 'bytea' : 'blob';
  const seqType = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<unknown>) {
      // No foreign key to accounts: the server key has no account, and forgetting must stay explicit.
      await db.schema
        .createTable('audit_keys')
        .addColumn('account_id', 'text', (c) => c.primaryKey())
        .addColumn('key', bytes, (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('audit_events')
        .addColumn('seq', seqType, (c) => c.primaryKey())
        .addColumn('account_id', 'text')
        .addColumn('kind', 'text')
        .addColumn('body', 'text')
        .addColumn('salt', bytes)
        .addColumn('created_at', t.time, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('audit_events_account')
        .on('audit_events')
        .columns(['account_id', 'seq'])
        .execute();
      await db.schema
        .createTable('audit_leaves')
        .addColumn('seq', seqType, (c) => c.primaryKey())
        .addColumn('leaf', bytes, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('audit_nodes')
        .addColumn('id', seqType, (c) => c.primaryKey())
        .addColumn('hash', bytes, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('audit_checkpoints')
        .addColumn('size', seqType, (c) => c.primaryKey())
        .addColumn('root', bytes, (c) => c.notNull())
        .addColumn('note', 'text', (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .execute();
    },
  };
}
