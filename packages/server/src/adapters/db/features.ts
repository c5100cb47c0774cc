import { sql, type SelectQueryBuilder } from 'kysely';
import type { DialectName, Queryable } from './database.ts';
import type { Database } from './schema.ts';
import {
  postgresAuditClaim,
  postgresAuditClaimMany,
  postgresAuditInsert,
  postgresAuditSeqReleased,
  sqliteAuditClaim,
  sqliteAuditClaimMany,
  sqliteAuditInsert,
  type AuditClaimSeq,
  type AuditClaimSeqs,
  type AuditInsert,
  type AuditSeqReleased,
} from './audit-append.ts';
import {
  postgresAuditAppendBatch,
  sqliteAuditAppendBatch,
  type AuditAppendBatch,
} from './audit-append-batch.ts';
import { postgresAuditAppendOne, type AuditAppendOne } from './audit-append-one.ts';
import { postgresAuditBlockCheck, type AuditBlockCheck } from './audit-block-check.ts';
import { postgresAuditPack, type AuditPack } from './audit-pack.ts';
import { afterCommit, beforeCommit } from './commit-hooks.ts';

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
   * Locks the audit key row of `owner` against appenders for the rest of this transaction (forgetting an account):
   * every appender share-locks its owner's key row from its claim to its commit, so this waits for them, and later
   * ones wait for this transaction. SQLite has one writer already.
   */
  auditKeyLock(trx: Queryable, owner: string): Promise<void>;
  /**
   * Claims the next audit seq (and the owner's key, created if missing) for this transaction. PostgreSQL: from the
   * log's sequence, under a per-seq advisory lock held until the transaction ends, and with the key row share-locked;
   * appenders never wait for each other's commits. SQLite: max + 1 under its single writer.
   */
  auditClaim: AuditClaimSeq;
  /** auditClaim for n events at once, in one round trip (PostgreSQL: audit_claim_many()). */
  auditClaimMany: AuditClaimSeqs;
  /** Writes one claimed event and its leaf (one round trip on PostgreSQL). */
  auditInsert: AuditInsert;
  /**
   * PostgreSQL only: claim and write in one round trip for an owner whose key the appender knows
   * (audit-append-one.ts). SQLite's claim is in-process and costs no round trip.
   */
  auditAppendOne?: AuditAppendOne;
  /**
   * The events a transaction recorded after its first, in one write (one round trip on PostgreSQL). Meant to run in
   * a beforeCommit hook.
   */
  auditAppendBatch: AuditAppendBatch;
  /**
   * PostgreSQL only: packs entries the signed tree covers into blocks of many (audit-pack.ts), where a row and its
   * index entries cost more than the entry. SQLite's rows already cost less than the target; it keeps one per entry.
   */
  auditPack?: AuditPack;
  /** PostgreSQL only: the first packed block the packer could not have written (audit-block-check.ts). */
  auditBlockCheck?: AuditBlockCheck;
  /** Whether no transaction holds `seq`'s claim (PostgreSQL: a try-lock in `trx`; SQLite: always, it has no holes). */
  auditSeqReleased: AuditSeqReleased;
  /**
   * Runs the hook inside the transaction just before it commits (a hook that throws rolls it back). Resolves false,
   * registering nothing, for a transaction of a database not opened by openDatabase: write at once then.
   */
  beforeCommit: typeof beforeCommit;
  /** Runs a hook once the transaction committed (commit-hooks.ts); false when it cannot. */
  afterCommit: typeof afterCommit;
  /**
   * Serialises enqueueing periodic jobs for the rest of this transaction, so instances checking "is the next run
   * already queued?" at once queue it once. SQLite has one writer already.
   */
  jobScheduleLock(trx: Queryable): Promise<void>;
}

// Advisory locks belong to the whole database, not a schema: each is keyed by (hash of the schema, lock), so
// deployments (and test files) sharing one database in different schemas never wait on each other's locks.
const CHANGE_FEED_LOCK = 0x5e0b0c5;
// Audit seqs are claimed under single-bigint advisory locks (migration 0023's audit_seq_lock_key), a key space apart
// from these (int, int) ones.
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
      auditKeyLock: async (trx, owner) => {
        await sql`select 1 from audit_keys where account_id = ${owner} for update`.execute(trx);
      },
      auditClaim: postgresAuditClaim,
      auditClaimMany: postgresAuditClaimMany,
      auditInsert: postgresAuditInsert,
      auditAppendOne: postgresAuditAppendOne,
      auditAppendBatch: postgresAuditAppendBatch,
      auditSeqReleased: postgresAuditSeqReleased,
      auditPack: postgresAuditPack,
      auditBlockCheck: postgresAuditBlockCheck,
      beforeCommit,
      afterCommit,
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
    auditKeyLock: () => Promise.resolve(),
    auditClaim: sqliteAuditClaim,
    auditClaimMany: sqliteAuditClaimMany,
    auditInsert: sqliteAuditInsert,
    auditAppendBatch: sqliteAuditAppendBatch,
    auditSeqReleased: () => Promise.resolve(true),
    beforeCommit,
    afterCommit,
    jobScheduleLock: () => Promise.resolve(),
  };
}

function hasProp(err: unknown, key: string, value: string): boolean {
  return typeof err === 'object' && err !== null && (err as Record<string, unknown>)[key] === value;
}
