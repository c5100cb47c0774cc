// An audit append in as few round trips as the database allows (the audit log's hot path). PostgreSQL: one call
// of migration 0018's audit_append(), which takes the log's order lock, checks that the log still ends where the
// appender thinks it does and that the owner's key is still the one the leaf was made with, and inserts the event,
// the leaf and any completed subtree hashes. SQLite (one writer, in-process): the same checks and inserts as
// separate statements, which cost no round trips.
import { sql } from 'kysely';
import type { Queryable } from './database.ts';

/** The advisory lock that orders audit appends on PostgreSQL ("5e0b a0d1" ~ shoebox audit). */
export const AUDIT_LOG_LOCK = 0x5e0ba0d1;

export interface AuditAppendRows {
  seq: number;
  /** The leaf the appender believes is at seq - 1 (null for seq 0): the write happens only if it still is. */
  prevLeaf: Buffer | null;
  /** audit_keys.account_id of the key the leaf was made with, and that key: it must still be stored. */
  owner: string;
  key: Buffer;
  accountId: string | null;
  kind: string;
  body: string;
  salt: Buffer;
  at: number;
  leaf: Buffer;
  nodes: readonly { id: number; hash: Buffer }[];
}

/** Writes the rows and returns true, or writes nothing and returns false when the log or the key moved on. */
export type AuditAppend = (trx: Queryable, rows: AuditAppendRows) => Promise<boolean>;

export const postgresAuditAppend: AuditAppend = async (trx, r) => {
  const result = await sql<{ ok: boolean }>`select audit_append(${r.seq}::bigint, ${r.prevLeaf}::bytea,
    ${r.owner}::text, ${r.key}::bytea, ${r.accountId}::text, ${r.kind}::text, ${r.body}::text, ${r.salt}::bytea,
    ${r.at}::bigint, ${r.leaf}::bytea, ${r.nodes.map((n) => n.id)}::bigint[], ${r.nodes.map((n) => n.hash)}::bytea[]
  ) as ok`.execute(trx);
  return result.rows[0]?.ok === true;
};

export const sqliteAuditAppend: AuditAppend = async (trx, r) => {
  // One read for both checks (better-sqlite3 runs it in-process; the statement cache keeps it prepared).
  const { rows } = await sql<{ seq: number | null; leaf: Uint8Array | null; key: Uint8Array | null }>`select
      (select seq from audit_leaves order by seq desc limit 1) as seq,
      (select leaf from audit_leaves order by seq desc limit 1) as leaf,
      (select key from audit_keys where account_id = ${r.owner}) as key`.execute(trx);
  const head = rows[0];
  if ((head?.seq ?? -1) !== r.seq - 1) return false;
  if (!sameBytes(head?.leaf ?? null, r.prevLeaf) || !sameBytes(head?.key ?? null, r.key)) return false;
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
  if (r.nodes.length > 0)
    await trx
      .insertInto('audit_nodes')
      .values([...r.nodes])
      .execute();
  return true;
};

function sameBytes(a: Uint8Array | null, b: Uint8Array | null): boolean {
  return a === null || b === null ? a === b : Buffer.from(a).equals(b);
}
