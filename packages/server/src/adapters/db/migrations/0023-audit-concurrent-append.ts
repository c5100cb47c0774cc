import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectName } from '../database.ts';
import { AUDIT_SEQ_SEQUENCE } from '../audit-append.ts';

/**
 * Concurrent audit appends (adapters/db/audit-append.ts). Appenders no longer hold the log's order lock until commit:
 * each takes a seq of its own and writes only its event and leaf; the checkpoint signer extends the stored tree over
 * the dense committed prefix (audit/audit.extend.ts) and records how far it got in audit_tree.
 *
 * - audit_tree: one row (id 1), the number of leaves the stored subtree hashes cover. No row means 0, so a freshly
 *   migrated database stays empty (a SQLite → PostgreSQL copy wants an empty target). Existing logs are dense and
 *   their appenders wrote every node, so the tree already covers max(seq) + 1 leaves.
 * - PostgreSQL: seqs come from a sequence owned by audit_events.seq (its column default, so copies and restores move
 *   it past every seq), and audit_claim() hands one out under a per-seq advisory transaction lock in the same call,
 *   so the signer can tell a seq whose transaction is still running from one that rolled back (a hole it voids).
 *   audit_claim_many() does the same for n events of distinct owners `p_owners` in one call (AuditLog.recordMany):
 *   n seqs, each locked as it is taken, increasing; the owners' key rows share-locked in owner order (so two
 *   claimers creating keys for the same owners never deadlock), created from `p_candidates` where missing; `keys`
 *   follows `p_owners`.
 */
export function auditConcurrentAppendMigration(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('audit_tree')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('size', dialect === 'postgres' ? 'bigint' : 'integer', (c) => c.notNull())
        .execute();
      await sql`insert into audit_tree (id, size)
        select 1, max(seq) + 1 from audit_leaves having count(*) > 0`.execute(db);
      if (dialect !== 'postgres') return;
      await sql
        .raw(
          `create sequence ${AUDIT_SEQ_SEQUENCE} minvalue 0 start with 0 owned by audit_events.seq;
select setval('${AUDIT_SEQ_SEQUENCE}', coalesce((select max(seq) + 1 from audit_events), 0), false);
alter table audit_events alter column seq set default nextval('${AUDIT_SEQ_SEQUENCE}');
create or replace function audit_seq_lock_key(p_seq bigint) returns bigint language sql stable as $$
  select (hashtext(current_schema())::bigint << 32) | (p_seq & 4294967295)
$$;
create or replace function audit_claim(p_owner text, p_candidate bytea, p_at bigint, out seq bigint, out key bytea)
language plpgsql volatile as $$
begin
  seq := nextval('${AUDIT_SEQ_SEQUENCE}');
  perform pg_advisory_xact_lock(audit_seq_lock_key(seq));
  select k.key into key from audit_keys k where k.account_id = p_owner for share;
  if key is null then
    insert into audit_keys (account_id, key, created_at) values (p_owner, p_candidate, p_at)
      on conflict (account_id) do nothing;
    select k.key into key from audit_keys k where k.account_id = p_owner for share;
  end if;
end
$$;
create or replace function audit_claim_many(p_owners text[], p_candidates bytea[], p_at bigint, p_n integer,
  out seqs bigint[], out keys bytea[])
language plpgsql volatile as $$
declare
  v_seq bigint;
begin
  seqs := '{}';
  for i in 1 .. p_n loop
    v_seq := nextval('${AUDIT_SEQ_SEQUENCE}');
    perform pg_advisory_xact_lock(audit_seq_lock_key(v_seq));
    seqs := seqs || v_seq;
  end loop;
  perform 1 from audit_keys k where k.account_id = any(p_owners) order by k.account_id for share;
  if exists (select 1 from unnest(p_owners) o where not exists (select 1 from audit_keys k where k.account_id = o))
  then
    insert into audit_keys (account_id, key, created_at)
      select u.o, u.c, p_at from unnest(p_owners, p_candidates) as u(o, c) order by u.o
      on conflict (account_id) do nothing;
    perform 1 from audit_keys k where k.account_id = any(p_owners) order by k.account_id for share;
  end if;
  select array_agg(k.key order by u.i) into keys
    from unnest(p_owners) with ordinality as u(o, i) left join audit_keys k on k.account_id = u.o;
end
$$;`,
        )
        .execute(db);
    },
  };
}
