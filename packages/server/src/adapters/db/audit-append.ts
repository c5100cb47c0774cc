// Audit appends that do not serialise commits (the audit log's hot path). An appender claims a seq of its own and
// writes only its event and leaf; the checkpoint signer builds the tree over the dense committed prefix
// (audit/audit.extend.ts). PostgreSQL: migration 0023's audit_claim() takes nextval of the log's sequence and, in the
// same call, a per-seq advisory transaction lock (so the signer can tell a seq still in flight from one whose
// transaction rolled back), and share-locks the owner's key row (creating the key if there is none) so that a
// concurrent forget waits for this transaction. SQLite (one writer, in-process): the seq is max + 1 in the writer's
// transaction, so a rollback leaves no hole.
import { sql } from 'kysely';
import type { Queryable } from './database.ts';

/** The advisory lock that ordered audit appends before migration 0023 ("5e0b a0d1" ~ shoebox audit); unused since. */
export const AUDIT_LOG_LOCK = 0x5e0ba0d1;
/** The PostgreSQL sequence of audit seqs (migration 0023), owned by audit_events.seq. */
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

export interface AuditClaims {
  /** n seqs, increasing (not necessarily consecutive on PostgreSQL). */
  seqs: number[];
  /** Each owner's stored key (its candidate if it had none), share-locked on PostgreSQL until the transaction ends. */
  keys: Map<string, Buffer>;
}

/**
 * Claims `n` seqs at once for events of the owners in `candidates` (each distinct owner with the key to create if it
 * has none): what AuditClaimSeq does n times, in one round trip. `after` as for AuditClaimSeq.
 */
export type AuditClaimSeqs = (
  trx: Queryable,
  candidates: ReadonlyMap<string, Buffer>,
  at: number,
  n: number,
  after: number | null,
) => Promise<AuditClaims>;

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

export const postgresAuditClaimMany: AuditClaimSeqs = async (trx, candidates, at, n) => {
  const owners = [...candidates.keys()];
  const { rows } = await sql<{ seqs: (string | number)[]; keys: (Uint8Array | null)[] }>`select seqs, keys
    from audit_claim_many(${owners}::text[], ${[...candidates.values()]}::bytea[], ${at}::bigint,
      ${n}::integer)`.execute(trx);
  const row = rows[0];
  if (!row || row.seqs.length !== n) throw new Error('audit_claim_many returned no seqs');
  const keys = new Map<string, Buffer>();
  owners.forEach((owner, i) => {
    const key = row.keys[i];
    if (!key) throw new Error(`audit key of ${owner} vanished`);
    keys.set(owner, Buffer.from(key));
  });
  return { seqs: row.seqs.map(Number), keys };
};

/** Owners per SQLite key lookup, below its bound-variable limit. */
const SQLITE_OWNER_CHUNK = 1000;

export const sqliteAuditClaimMany: AuditClaimSeqs = async (trx, candidates, at, n, after) => {
  const { rows } = await sql<{
    seq: number | null;
  }>`select seq from audit_events order by seq desc limit 1`.execute(trx);
  const owners = [...candidates.keys()];
  const keys = new Map<string, Buffer>();
  for (let i = 0; i < owners.length; i += SQLITE_OWNER_CHUNK) {
    const stored = await trx
      .selectFrom('audit_keys')
      .select(['account_id', 'key'])
      .where('account_id', 'in', owners.slice(i, i + SQLITE_OWNER_CHUNK))
      .execute();
    for (const k of stored) keys.set(k.account_id, Buffer.from(k.key));
  }
  const missing = owners.filter((o) => !keys.has(o));
  for (let i = 0; i < missing.length; i += SQLITE_OWNER_CHUNK) {
    const chunk = missing.slice(i, i + SQLITE_OWNER_CHUNK);
    await trx
      .insertInto('audit_keys')
      .values(
        chunk.map((o) => ({ account_id: o, key: candidates.get(o) ?? Buffer.alloc(0), created_at: at })),
      )
      .execute();
    for (const o of chunk) keys.set(o, candidates.get(o) ?? Buffer.alloc(0));
  }
  const first = Math.max((rows[0]?.seq ?? -1) + 1, after === null ? 0 : after + 1);
  return { seqs: Array.from({ length: n }, (_, i) => first + i), keys };
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
