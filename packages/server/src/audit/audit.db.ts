// The audit code's view of the database: the same connection or transaction, narrowed to the audit tables.
import type { Kysely, Transaction } from 'kysely';
import type { Queryable, Tx } from '../adapters/db/database.ts';
import type { AuditTables } from './audit.tables.ts';

export type AuditDb = Kysely<AuditTables>;
export type AuditTx = Transaction<AuditTables>;

/** The audit view of a connection or transaction (an AuditDb already is one). */
export function auditDb(q: Queryable | AuditDb): AuditDb {
  return q as unknown as AuditDb;
}

export function auditTx(trx: Tx): AuditTx {
  return trx as unknown as AuditTx;
}
