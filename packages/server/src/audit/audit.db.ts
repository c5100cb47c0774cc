// The audit code's view of the database: the same connection or transaction, narrowed to the audit tables.
import type { Kysely, Transaction } from 'kysely';
import type { Queryable, Tx } from '../adapters/db/database.ts';
import type { AuditTables } from './audit.tables.ts';

export type AuditDb = Kysely<AuditTables>;
export type AuditTx = Transaction<AuditTables>;

export function auditDb(q: Queryable): AuditDb {
  return q as unknown as AuditDb;
}

export function auditTx(trx: Tx): AuditTx {
  return trx as unknown as AuditTx;
}
