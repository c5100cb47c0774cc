// Audit appends that do not serialise commits (the audit log's hot path). An appender claims a seq of its own and
// writes only its event and leaf; the checkpoint signer builds the tree over the dense committed prefix
// (audit/audit.extend.ts). PostgreSQL: migration 0022's audit_claim() takes nextval of the log's sequence and, in the
// same call, a per-seq advisory transaction lock (so the signer can tell a seq still in flight from one whose
// transaction rolled back), and share-locks the owner's key row (creating the key if there is none) so that a
// concurrent forget waits for this transaction. SQLite (one writer, in-process): the seq is max + 1 in the writer's
// transaction, so a rollback leaves no hole.
import { sql } from 'kysely';
import type { Queryable } from './database.ts';

/** The advisory lock that ordered audit appends before migration 0022 ("5e0b a0d1" ~ shoebox audit); unused since. */
export const AUDIT_LOG_LOCK = 0x5e0ba0d1;
/** The PostgreSQL sequence of audit seqs (migration 0022), owned by audit_events.seq. */
export const AUDIT_SEQ_SEQUENCE = 'audit_seq';

export interface AuditClaim {
  seq: number;
  /** The owner's stored key (the candidate if it had none), share-locked on PostgreSQL until the transaction ends. */
  key: Buffer;
}

/**
 * Claims the next seq for `owner`'s event in `trx`. `after`: the last seq this transaction claimed whose rows are not
 * written yet (SQLite numbers from the stored rows, so it must skip those).
 */
export type AuditClaimSeq = (
  trx: Queryable,
  owner: string,
  candidateKey: Buffer,
  at: number,
  after: number | null,
) => Promise<AuditClaim>;

export interface AuditEventRow {
  seq: number;
  accountId: string | null;
  kind: string;
  body: string;
  salt: Buffer;
  at: number;
  leaf: Buffer;
}

/** Writes one event and its leaf (one statement). A unique violation means the seq was voided meanwhile. */
export type AuditInsert = (trx: Queryable, row: AuditEventRow) => Promise<void>;

export const postgresAuditClaim: AuditClaimSeq = async (trx, owner, candidate, at) => {
  const { rows } = await sql<{ seq: string | number; key: Uint8Array | null }>`select seq, key
    from audit_claim(${owner}::text, ${candidate}::bytea, ${at}::bigint)`.execute(trx);
  const row = rows[0];
  if (!row?.key) throw new Error(`audit key of ${owner} vanished`);
  return { seq: Number(row.seq), key: Buffer.from(row.key) };
};

export const sqliteAuditClaim: AuditClaimSeq = async (trx, owner, candidate, at, after) => {
  const { rows } = await sql<{ seq: number | null; key: Uint8Array | null }>`select
      (select seq from audit_events order by seq desc limit 1) as seq,
      (select key from audit_keys where account_id = ${owner}) as key`.execute(trx);
  const head = rows[0];
  let key: Buffer;
  if (head?.key) key = Buffer.from(head.key);
  else {
    await trx
      .insertInto('audit_keys')
      .values({ account_id: owner, key: candidate, created_at: at })
      .onConflict((oc) => oc.column('account_id').doNothing())
      .execute();
    key = candidate;
  }
  const seq = Math.max((head?.seq ?? -1) + 1, after === null ? 0 : after + 1);
  return { seq, key };
};

export const postgresAuditInsert: AuditInsert = async (trx, r) => {
  await sql`with e as (insert into audit_events (seq, account_id, kind, body, salt, created_at)
      values (${r.seq}::bigint, ${r.accountId}::text, ${r.kind}::text, ${r.body}::text, ${r.salt}::bytea,
        ${r.at}::bigint) returning seq)
    insert into audit_leaves (seq, leaf) select seq, ${r.leaf}::bytea from e`.execute(trx);
};

export const sqliteAuditInsert: AuditInsert = async (trx, r) => {
  await trx
    .insertInto('audit_events')
    .values({
      seq: r.seq,
      account_id: r.accountId,
      kind: r.kind,
      body: r.body,
      salt: r.salt,
      created_at: r.at,
    })
    .execute();
  await trx.insertInto('audit_leaves').values({ seq: r.seq, leaf: r.leaf }).execute();
};

/**
 * PostgreSQL: true when nobody holds `seq`'s claim lock, tried in `trx` (a short transaction of the signer's own, so
 * the lock it may take goes at once). SQLite has no holes: always true.
 */
export type AuditSeqReleased = (trx: Queryable, seq: number) => Promise<boolean>;

export const postgresAuditSeqReleased: AuditSeqReleased = async (trx, seq) => {
  const { rows } = await sql<{ free: boolean }>`select
    pg_try_advisory_xact_lock(audit_seq_lock_key(${seq}::bigint)) as free`.execute(trx);
  return rows[0]?.free === true;
};
