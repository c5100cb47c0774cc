// Audit appends that do not serialise commits (the audit log's hot path). An appender claims a seq of its own and
// writes only its event and leaf; the checkpoint signer builds the tree over the dense committed prefix
// (audit/audit.extend.ts). PostgreSQL: migration 0023's audit_claim() takes nextval of the log's sequence and, in the
// same call, a per-seq advisory transaction lock (so the signer can tell a seq still in flight from one whose
// transaction rolled back), and share-locks the owner's key row (creating the key if there is none) so that a
// concurrent forget waits for this transaction. SQLite (one writer, in-process): the seq is max + 1 in the writer's
// transaction, so a rollback leaves no hole.
import { sql } from 'kysely';
import type { Queryable } from './database.ts';

/**
 * A claim for an account whose audit key was destroyed (forgotten): its log is closed, and a new key beside its
 * blanked entries would read as tampering (migration 0026).
 */
export class AuditOwnerForgotten extends Error {
  constructor(readonly owner: string) {
    super(`the audit log of ${owner} was closed when the account was forgotten`);
    this.name = 'AuditOwnerForgotten';
  }
}

/**
 * The message (with SQLSTATE P0002, no_data_found) with which the PostgreSQL claim functions (migration 0026) refuse
 * an owner whose account was forgotten.
 */
export const FORGOTTEN_OWNER_MESSAGE = 'audit owner forgotten';

/** The PostgreSQL claim functions' refusal of a forgotten owner, as AuditOwnerForgotten. */
function forgottenOr(err: unknown, owner: string): unknown {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (e?.code === 'P0002' && typeof e.message === 'string' && e.message.includes(FORGOTTEN_OWNER_MESSAGE))
    return new AuditOwnerForgotten(owner);
  return err;
}

/** The advisory lock that ordered audit appends before migration 0023 ("5e0b a0d1" ~ shoebox audit); unused since. */
export const AUDIT_LOG_LOCK = 0x5e0ba0d1;
/** The PostgreSQL sequence of audit seqs (migration 0023), owned by audit_events.seq. */
export const AUDIT_SEQ_SEQUENCE = 'audit_seq';

export interface AuditClaim {
  seq: number;
  /** The owner's number (audit_owners.no), created with its key when missing. */
  owner: number;
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
  /** Each owner's number (audit_owners.no). */
  owners: Map<string, number>;
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

/** One stored event (migration 0024's compact form) and its leaf. */
export interface AuditEventRow {
  seq: number;
  /** audit_owners.no; null only for a void entry. */
  owner: number | null;
  /** The kind's stored code (audit/audit.kind-codes.ts). */
  kind: number;
  /** The stored body (audit/audit.codec.ts); null for a void entry. */
  body: Buffer | null;
  /** Null when derived from the owner's key (every entry since migration 0024). */
  salt: Buffer | null;
  at: number;
  leaf: Buffer;
}

/** Writes one event and its leaf (one statement). A unique violation means the seq was voided meanwhile. */
export type AuditInsert = (trx: Queryable, row: AuditEventRow) => Promise<void>;

export const postgresAuditClaim: AuditClaimSeq = async (trx, owner, candidate, at) => {
  const { rows } = await sql<{
    seq: string | number;
    key: Uint8Array | null;
    owner_no: number | null;
  }>`select seq, key, owner_no from audit_claim(${owner}::text, ${candidate}::bytea, ${at}::bigint)`
    .execute(trx)
    .catch((err: unknown) => {
      throw forgottenOr(err, owner);
    });
  const row = rows[0];
  if (!row?.key || row.owner_no === null) throw new Error(`audit key of ${owner} vanished`);
  return { seq: Number(row.seq), key: Buffer.from(row.key), owner: row.owner_no };
};

export const postgresAuditClaimMany: AuditClaimSeqs = async (trx, candidates, at, n) => {
  const owners = [...candidates.keys()];
  const { rows } = await sql<{
    seqs: (string | number)[];
    keys: (Uint8Array | null)[];
    owner_nos: (number | null)[];
  }>`select seqs, keys, owner_nos from audit_claim_many(${owners}::text[], ${[...candidates.values()]}::bytea[], ${at}::bigint,
      ${n}::integer)`
    .execute(trx)
    .catch((err: unknown) => {
      throw forgottenOr(err, owners.join(', '));
    });
  const row = rows[0];
  if (!row || row.seqs.length !== n) throw new Error('audit_claim_many returned no seqs');
  const keys = new Map<string, Buffer>();
  const numbers = new Map<string, number>();
  owners.forEach((owner, i) => {
    const key = row.keys[i];
    const no = row.owner_nos[i];
    if (!key || no === null || no === undefined) throw new Error(`audit key of ${owner} vanished`);
    keys.set(owner, Buffer.from(key));
    numbers.set(owner, no);
  });
  return { seqs: row.seqs.map(Number), keys, owners: numbers };
};

/** Owners per SQLite key lookup, below its bound-variable limit. */
const SQLITE_OWNER_CHUNK = 1000;

/** SQLite: each owner's key and number, both created (from its candidate key) where missing. */
async function sqliteOwners(trx: Queryable, candidates: ReadonlyMap<string, Buffer>, at: number) {
  const owners = [...candidates.keys()];
  const keys = new Map<string, Buffer>();
  const numbers = new Map<string, number>();
  const lookUp = async () => {
    for (let i = 0; i < owners.length; i += SQLITE_OWNER_CHUNK) {
      const stored = await trx
        .selectFrom('audit_keys as k')
        .innerJoin('audit_owners as o', 'o.account_id', 'k.account_id')
        .select(['k.account_id', 'k.key', 'o.no'])
        .where('k.account_id', 'in', owners.slice(i, i + SQLITE_OWNER_CHUNK))
        .execute();
      for (const k of stored) {
        keys.set(k.account_id, Buffer.from(k.key));
        numbers.set(k.account_id, k.no);
      }
    }
  };
  await lookUp();
  const missing = owners.filter((o) => !keys.has(o));
  if (missing.length === 0) return { keys, owners: numbers };
  for (let i = 0; i < missing.length; i += SQLITE_OWNER_CHUNK) {
    // An owner row without its key: forgotten, and its log closed (migration 0026).
    const forgotten = await trx
      .selectFrom('audit_owners')
      .select('account_id')
      .where('account_id', 'in', missing.slice(i, i + SQLITE_OWNER_CHUNK))
      .executeTakeFirst();
    if (forgotten) throw new AuditOwnerForgotten(forgotten.account_id);
  }
  for (let i = 0; i < missing.length; i += SQLITE_OWNER_CHUNK) {
    const chunk = missing.slice(i, i + SQLITE_OWNER_CHUNK);
    await trx
      .insertInto('audit_owners')
      .values(chunk.map((o) => ({ account_id: o })))
      .onConflict((oc) => oc.column('account_id').doNothing())
      .execute();
    await trx
      .insertInto('audit_keys')
      .values(
        chunk.map((o) => ({ account_id: o, key: candidates.get(o) ?? Buffer.alloc(0), created_at: at })),
      )
      .onConflict((oc) => oc.column('account_id').doNothing())
      .execute();
  }
  await lookUp();
  return { keys, owners: numbers };
}

async function sqliteNextSeq(trx: Queryable, after: number | null): Promise<number> {
  const { rows } = await sql<{
    seq: number | null;
  }>`select seq from audit_events order by seq desc limit 1`.execute(trx);
  return Math.max((rows[0]?.seq ?? -1) + 1, after === null ? 0 : after + 1);
}

export const sqliteAuditClaimMany: AuditClaimSeqs = async (trx, candidates, at, n, after) => {
  const first = await sqliteNextSeq(trx, after);
  const { keys, owners } = await sqliteOwners(trx, candidates, at);
  return { seqs: Array.from({ length: n }, (_, i) => first + i), keys, owners };
};

export const sqliteAuditClaim: AuditClaimSeq = async (trx, owner, candidate, at, after) => {
  const seq = await sqliteNextSeq(trx, after);
  const { keys, owners } = await sqliteOwners(trx, new Map([[owner, candidate]]), at);
  const key = keys.get(owner);
  const no = owners.get(owner);
  if (!key || no === undefined) throw new Error(`audit key of ${owner} vanished`);
  return { seq, key, owner: no };
};

/** A row as both drivers bind it. */
export const eventValues = (r: AuditEventRow) => ({
  seq: r.seq,
  owner: r.owner,
  kind: r.kind,
  body: r.body,
  salt: r.salt,
  created_at: r.at,
});

export const postgresAuditInsert: AuditInsert = async (trx, r) => {
  await sql`with e as (insert into audit_events (seq, owner, kind, body, salt, created_at)
      values (${r.seq}::bigint, ${r.owner}::integer, ${r.kind}::smallint, ${r.body}::bytea, ${r.salt}::bytea,
        ${r.at}::bigint) returning seq)
    insert into audit_leaves (seq, leaf) select seq, ${r.leaf}::bytea from e`.execute(trx);
};

export const sqliteAuditInsert: AuditInsert = async (trx, r) => {
  await trx.insertInto('audit_events').values(eventValues(r)).execute();
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
