import { sql, type SelectQueryBuilder } from 'kysely';
import type { DialectName, Queryable } from './database.ts';
import type { Database } from './schema.ts';
import { AUDIT_LOG_LOCK, postgresAuditAppend, sqliteAuditAppend, type AuditAppend } from './audit-append.ts';
import {
  postgresAuditAppendBatch,
  sqliteAuditAppendBatch,
  type AuditAppendBatch,
} from './audit-append-batch.ts';
import { beforeCommit } from './commit-hooks.ts';

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
  /**
   * One audit append, guarded: takes the same order lock, and writes only if the log still ends with the leaf the
   * appender built on and the owner's key is unchanged (false otherwise, nothing written). One round trip on
   * PostgreSQL (migration 0018's guard function).
   */
  auditAppend: AuditAppend;
  /**
   * The events a transaction recorded after its first, in one write (one round trip on PostgreSQL, migration 0021),
   * with the same checks as auditAppend. Meant to run in a beforeCommit hook, under the lock the first append took.
   */
  auditAppendBatch: AuditAppendBatch;
  /**
   * Runs the hook inside the transaction just before it commits (a hook that throws rolls it back). Resolves false,
   * registering nothing, for a transaction of a database not opened by openDatabase: write at once then.
   */
  beforeCommit: typeof beforeCommit;
  /**
   * Serialises enqueueing periodic jobs for the rest of this transaction, so instances checking "is the next run
   * already queued?" at once queue it once. SQLite has one writer already.
   */
  jobScheduleLock(trx: Queryable): Promise<void>;
}

// Advisory locks belong to the whole database, not a schema: each is keyed by (hash of the schema, lock), so
// deployments (and test files) sharing one database in different schemas never wait on each other's locks.
const CHANGE_FEED_LOCK = 0x5e0b0c5;
// The audit log's lock (AUDIT_LOG_LOCK, audit-append.ts) is distinct from the change feed's.
// "5e0b 5c4d" ~ shoebox schedule.
const JOB_SCHEDULE_LOCK = 0x5e0b5c4d;

export function dbFeatures(dialect: DialectName): DbFeatures {
  if (dialect === 'postgres') {
    return {
      lockForClaim: (qb) => qb.forUpdate().skipLocked(),
      serializeChangeFeed: async (trx) => {
        await sql`select pg_advisory_xact_lock(hashtext(current_schema()), ${CHANGE_FEED_LOCK})`.execute(trx);
      },
      isUniqueViolation: (err) => hasProp(err, 'code', '23505'),
      auditSequenceLock: async (trx) => {
        await sql`select pg_advisory_xact_lock(hashtext(current_schema()), ${AUDIT_LOG_LOCK})`.execute(trx);
      },
      auditAppend: postgresAuditAppend,
      auditAppendBatch: postgresAuditAppendBatch,
      beforeCommit,
      jobScheduleLock: async (trx) => {
        await sql`select pg_advisory_xact_lock(hashtext(current_schema()), ${JOB_SCHEDULE_LOCK})`.execute(
          trx,
        );
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
    auditAppend: sqliteAuditAppend,
    auditAppendBatch: sqliteAuditAppendBatch,
    beforeCommit,
    jobScheduleLock: () => Promise.resolve(),
  };
}

function hasProp(err: unknown, key: string, value: string): boolean {
  return typeof err === 'object' && err !== null && (err as Record<string, unknown>)[key] === value;
}
