import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectName } from '../database.ts';
import { AUDIT_LOG_LOCK } from '../audit-append.ts';

/**
 * Batched audit appends on PostgreSQL (adapters/db/audit-append-batch.ts): the events a transaction recorded after
 * its first, written in one call just before it commits. The transaction holds the log's order lock since that first
 * append (taking it again costs nothing), so the checks cannot fail unless something wrote around the lock: the log
 * must still end with the leaf the batch builds on, and every owner's key must still be the one its leaves were
 * made with (an account forgotten before this transaction took the lock). SQLite needs none.
 */
export function auditAppendBatchMigration(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect !== 'postgres') return;
      await sql
        .raw(
          `create or replace function audit_append_batch(
  p_prev bytea, p_owners text[], p_keys bytea[], p_seqs bigint[], p_accounts text[], p_kinds text[],
  p_bodies text[], p_salts bytea[], p_ats bigint[], p_leaves bytea[], p_node_ids bigint[], p_node_hashes bytea[]
) returns boolean language plpgsql volatile as $$
declare
  last_seq bigint;
  last_leaf bytea;
begin
  perform pg_advisory_xact_lock(hashtext(current_schema()), ${AUDIT_LOG_LOCK});
  select l.seq, l.leaf into last_seq, last_leaf from audit_leaves l order by l.seq desc limit 1;
  if coalesce(last_seq, -1) <> p_seqs[1] - 1 or last_leaf is distinct from p_prev then
    return false;
  end if;
  if exists (select 1 from unnest(p_owners, p_keys) as o(owner, key)
      where not exists (select 1 from audit_keys k where k.account_id = o.owner and k.key = o.key)) then
    return false;
  end if;
  insert into audit_events (seq, account_id, kind, body, salt, created_at)
    select * from unnest(p_seqs, p_accounts, p_kinds, p_bodies, p_salts, p_ats);
  insert into audit_leaves (seq, leaf) select * from unnest(p_seqs, p_leaves);
  insert into audit_nodes (id, hash) select * from unnest(p_node_ids, p_node_hashes);
  return true;
end
$$`,
        )
        .execute(db);
    },
  };
}
