// The audit events a transaction recorded after its first, written together just before it commits (the audit log
// defers them through commit-hooks.ts). Each already has its own claimed seq (not necessarily consecutive) and its
// owner's key share-locked since its claim, so there is nothing left to check. PostgreSQL: one statement (two
// multi-row inserts from arrays). SQLite (one writer, in-process): multi-row inserts in chunks below its variable
// limit.
import { sql } from 'kysely';
import type { Queryable } from './database.ts';
import { eventValues, type AuditEventRow } from './audit-append.ts';

export interface AuditBatchRows {
  events: readonly AuditEventRow[];
}

/** Writes every row (a unique violation: one of the seqs was voided meanwhile, and the transaction must fail). */
export type AuditAppendBatch = (trx: Queryable, rows: AuditBatchRows) => Promise<void>;

export const postgresAuditAppendBatch: AuditAppendBatch = async (trx, r) => {
  const e = r.events;
  if (e.length === 0) return;
  await sql`with e as (insert into audit_events (seq, owner, kind, body, salt, created_at)
      select * from unnest(${e.map((x) => x.seq)}::bigint[], ${e.map((x) => x.owner)}::integer[],
        ${e.map((x) => x.kind)}::smallint[], ${e.map((x) => x.body)}::bytea[], ${e.map((x) => x.salt)}::bytea[],
        ${e.map((x) => x.at)}::bigint[]) returning seq)
    insert into audit_leaves (seq, leaf)
      select * from unnest(${e.map((x) => x.seq)}::bigint[], ${e.map((x) => x.leaf)}::bytea[])`.execute(trx);
};

/** Rows per SQLite insert: 6 columns each, far below its 32,766 bound variables. */
const SQLITE_CHUNK = 1000;

export const sqliteAuditAppendBatch: AuditAppendBatch = async (trx, r) => {
  for (let i = 0; i < r.events.length; i += SQLITE_CHUNK) {
    const chunk = r.events.slice(i, i + SQLITE_CHUNK);
    await trx.insertInto('audit_events').values(chunk.map(eventValues)).execute();
    await trx
      .insertInto('audit_leaves')
      .values(chunk.map((x) => ({ seq: x.seq, leaf: x.leaf })))
      .execute();
  }
};
