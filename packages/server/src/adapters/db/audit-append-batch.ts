// The audit events a transaction recorded after its first, written together just before it commits (the audit log
// defers them through commit-hooks.ts). PostgreSQL: one call of migration 0021's audit_append_batch(), the same
// checks as audit_append() for the whole batch, then one multi-row insert per table. SQLite (one writer,
// in-process): the same checks and multi-row inserts as separate statements, in chunks below its variable limit.
import { sql } from 'kysely';
import type { Queryable } from './database.ts';

export interface AuditBatchRows {
  /** The leaf just before the batch's first seq (written by this transaction's first append). */
  prevLeaf: Buffer;
  /** Every key the batch's leaves were made with, by owner: each must still be stored. */
  keys: ReadonlyMap<string, Buffer>;
  events: readonly {
    seq: number;
    accountId: string | null;
    kind: string;
    body: string;
    salt: Buffer;
    at: number;
    leaf: Buffer;
  }[];
  nodes: readonly { id: number; hash: Buffer }[];
}

/** Writes every row and returns true, or writes nothing and returns false when the log or a key moved on. */
export type AuditAppendBatch = (trx: Queryable, rows: AuditBatchRows) => Promise<boolean>;

export const postgresAuditAppendBatch: AuditAppendBatch = async (trx, r) => {
  const e = r.events;
  const result = await sql<{ ok: boolean }>`select audit_append_batch(${r.prevLeaf}::bytea,
    ${[...r.keys.keys()]}::text[], ${[...r.keys.values()]}::bytea[], ${e.map((x) => x.seq)}::bigint[],
    ${e.map((x) => x.accountId)}::text[], ${e.map((x) => x.kind)}::text[], ${e.map((x) => x.body)}::text[],
    ${e.map((x) => x.salt)}::bytea[], ${e.map((x) => x.at)}::bigint[], ${e.map((x) => x.leaf)}::bytea[],
    ${r.nodes.map((n) => n.id)}::bigint[], ${r.nodes.map((n) => n.hash)}::bytea[]) as ok`.execute(trx);
  return result.rows[0]?.ok === true;
};

/** Rows per SQLite insert: 6 columns each, far below its 32,766 bound variables. */
const SQLITE_CHUNK = 1000;

export const sqliteAuditAppendBatch: AuditAppendBatch = async (trx, r) => {
  const first = r.events[0];
  if (!first) return true;
  const head = await trx
    .selectFrom('audit_leaves')
    .select(['seq', 'leaf'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!head || Number(head.seq) !== first.seq - 1 || !Buffer.from(head.leaf).equals(r.prevLeaf)) return false;
  const stored = await trx
    .selectFrom('audit_keys')
    .select(['account_id', 'key'])
    .where('account_id', 'in', [...r.keys.keys()])
    .execute();
  const storedKeys = new Map(stored.map((k) => [k.account_id, Buffer.from(k.key)]));
  for (const [owner, key] of r.keys) if (!storedKeys.get(owner)?.equals(key)) return false;
  for (let i = 0; i < r.events.length; i += SQLITE_CHUNK) {
    const chunk = r.events.slice(i, i + SQLITE_CHUNK);
    await trx
      .insertInto('audit_events')
      .values(
        chunk.map((x) => ({
          seq: x.seq,
          account_id: x.accountId,
          kind: x.kind,
          body: x.body,
          salt: x.salt,
          created_at: x.at,
        })),
      )
      .execute();
    await trx
      .insertInto('audit_leaves')
      .values(chunk.map((x) => ({ seq: x.seq, leaf: x.leaf })))
      .execute();
  }
  for (let i = 0; i < r.nodes.length; i += SQLITE_CHUNK)
    await trx
      .insertInto('audit_nodes')
      .values(r.nodes.slice(i, i + SQLITE_CHUNK))
      .execute();
  return true;
};
