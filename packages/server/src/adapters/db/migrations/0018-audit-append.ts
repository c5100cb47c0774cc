import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectName } from '../database.ts';
import { AUDIT_LOG_LOCK } from '../audit-append.ts';

/**
 * One-round-trip audit appends on PostgreSQL (adapters/db/audit-append.ts): a function that takes the log's order
 * lock, only then looks at the log's end and the owner's key, and inserts the event, its leaf and the subtree hashes
 * it completed. In plpgsql each statement takes a fresh snapshot (READ COMMITTED), so the checks see what the previous
 * lock holder committed, which a subquery of one big INSERT would not (its snapshot predates the lock); and its
 * statements are planned once per connection, like prepared statements. SQLite (one writer, in-process) needs none.
 */
export function auditAppendMigration(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect !== 'postgres') return;
      await sql
        .raw(
          `create or replace function audit_append(
  p_seq bigint, p_prev bytea, p_owner text, p_key bytea, p_account text, p_kind text, p_body text, p_salt bytea,
  p_at bigint, p_leaf bytea, p_node_ids bigint[], p_node_hashes bytea[]
) returns boolean language plpgsql volatile as $$
declare
  last_seq bigint;
  last_leaf bytea;
begin
  perform pg_advisory_xact_lock(hashtext(current_schema()), ${AUDIT_LOG_LOCK});
  select l.seq, l.leaf into last_seq, last_leaf from audit_leaves l order by l.seq desc limit 1;
  if coalesce(last_seq, -1) <> p_seq - 1 or last_leaf is distinct from p_prev then
    return false;
  end if;
  if not exists (select 1 from audit_keys k where k.account_id = p_owner and k.key = p_key) then
    return false;
  end if;
  insert into audit_events (seq, account_id, kind, body, salt, created_at)
    values (p_seq, p_account, p_kind, p_body, p_salt, p_at);
  insert into audit_leaves (seq, leaf) values (p_seq, p_leaf);
  insert into audit_nodes (id, hash) select * from unnest(p_node_ids, p_node_hashes);
  return true;
end
$$`,
        )
        .execute(db);
    },
  };
}
