import { sql, type SelectQueryBuilder } from 'kysely';
import type { DialectName, Queryable } from './database.ts';
import type { Database } from './schema.ts';

/**
 * The few behaviours that differ between SQLite and PostgreSQL, behind names that say what they are for.
 * Everything outside this adapter calls these instead of asking which database is in use.
 */
export interface DbFeatures {
  /** Lets concurrent workers claim different rows: `FOR UPDATE SKIP LOCKED` where supported. */
  lockForClaim<O>(
    qb: SelectQueryBuilder<Database, keyof Database, O>,
  ): SelectQueryBuilder<Database, keyof Database, O>;
  /**
   * Makes change ids commit in id order for the rest of this transaction. PostgreSQL sequences hand out ids before
   * commit, so without this a reader could see id 11 before id 10 commits and skip 10 for ever. SQLite has one
   * writer at a time already.
   */
  serializeChangeFeed(trx: Queryable): Promise<void>;
  /** True when the error is a unique-constraint violation. */
  isUniqueViolation(err: unknown): boolean;
  /**
   * Makes audit sequence numbers commit in order for the rest of this transaction: the next appender waits until
   * this transaction ends, so seq is dense and a reader never sees seq n+1 before n. SQLite has one writer already.
   */
  auditSequenceLock(trx: Queryable): Promise<void>;
}

const CHANGE_FEED_LOCK = 0x5e0b0c5;
// Distinct from the change feed's lock: "5e0b a0d1" ~ shoebox audit.
const AUDIT_LOG_LOCK = 0x5e0ba0d1;

export function dbFeatures(dialect: DialectName): DbFeatures {
  if (dialect === 'postgres') {
    return {
      lockForClaim: (qb) => qb.forUpdate().skipLocked(),
      serializeChangeFeed: async (trx) => {
        await sql`select pg_advisory_xact_lock(${CHANGE_FEED_LOCK})`.execute(trx);
      },
      isUniqueViolation: (err) => hasProp(err, 'code', '23505'),
      auditSequenceLock: async (trx) => {
        await sql`select pg_advisory_xact_lock(${AUDIT_LOG_LOCK})`.execute(trx);
      },
    };
  }
  return {
    lockForClaim: (qb) => qb,
    serializeChangeFeed: () => Promise.resolve(),
    isUniqueViolation: (err) =>
      hasProp(err, 'code', 'SQLITE_CONSTRAINT_UNIQUE') ||
      hasProp(err, 'code', 'SQLITE_CONSTRAINT_PRIMARYKEY'),
    auditSequenceLock: () => Promise.resolve(),
  };
}

function hasProp(err: unknown, key: string, value: string): boolean {
  return typeof err === 'object' && err !== null && (err as Record<string, unknown>)[key] === value;
}
