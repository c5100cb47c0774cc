// The audit code's view of the database, and the one dialect-specific behaviour it needs.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DialectName, Queryable, Tx } from '../adapters/db/database.ts';
import type { AuditTables } from './audit.tables.ts';

export type AuditDb = Kysely<AuditTables>;
export type AuditTx = Transaction<AuditTables>;

/**
 * The same connection or transaction, typed with the audit tables. Once the lead merges
 * AuditTables into Database this is a plain widening; the cast keeps this folder compiling before.
 */
export function auditDb(q: Queryable): AuditDb {
  return q as unknown as AuditDb;
}

export function auditTx(trx: Tx): AuditTx {
  return trx as unknown as AuditTx;
}

/** What the log needs from DbFeatures; the lead moves auditSequenceLock into adapters/db/features.ts. */
export interface AuditLockFeatures {
  /**
   * Makes audit sequence numbers commit in order for the rest of this transaction: the next
   * appender waits until this transaction ends, so seq is dense and a reader never sees seq n+1
   * before n. SQLite has one writer at a time already.
   */
  auditSequenceLock(trx: Queryable): Promise<void>;
}

// Any constant distinct from the change feed's 0x5e0b0c5; "5e0b a0d1" ~ shoebox audit.
const AUDIT_LOG_LOCK = 0x5e0ba0d1;

/** Drop-in for dbFeatures(dialect).auditSequenceLock until it lives in features.ts. */
export function auditLockFeatures(dialect: DialectName): AuditLockFeatures {
  if (dialect === 'postgres') {
    return {
      auditSequenceLock: async (trx) => {
        await sql`select pg_advisory_xact_lock(${AUDIT_LOG_LOCK})`.execute(trx);
      },
    };
  }
  return { auditSequenceLock: () => Promise.resolve() };
}
