import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectName } from '../database.ts';
import { AUDIT_SEQ_SEQUENCE, FORGOTTEN_OWNER_MESSAGE } from '../audit-append.ts';

/**
 * A forgotten account's log is closed (issue 5: deleting an account destroys its key). Until now a claim for an
 * owner with no key made a new one, so an append after the forget — a staff look at the deleted account, or an
 * action racing its deletion — left the account's blanked tombstones beside a live key, which full verification
 * rightly reads as events blanked by someone who did not forget the account: a false tamper alarm that halts signing.
 * An owner is forgotten when its audit_owners row (never deleted) has no key (claims insert both in one transaction,
 * so one statement sees both or neither). The claim functions below are migration 0024's with that refusal.
 * SQLite claims in the adapter (adapters/db/audit-append.ts), with the same rule. On both, logs re-opened before
 * this migration are closed again (closeReopenedLogs).
 */
export function auditClosedOwnersMigration(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect === 'postgres') await sql.raw(claimFunctions).execute(db);
      await closeReopenedLogs(db);
    },
  };
}

/**
 * Logs re-opened before this migration (a staff look at a deleted account, an action racing its deletion) are closed
 * again: an owner with a key beside blanked events and no account left is forgotten once more (key deleted, its later
 * events blanked, its terms deleted), which is what its deletion did. Without this, such a log fails every full
 * verification, and the halt that raises could never be cleared. Returns how many were closed.
 */
export async function closeReopenedLogs(db: Kysely<unknown>): Promise<number> {
  const { rows } = await sql<{ no: number; account_id: string }>`select o.no, o.account_id from audit_owners o
    where o.account_id <> 'server'
      and exists (select 1 from audit_keys k where k.account_id = o.account_id)
      and not exists (select 1 from accounts a where a.id = o.account_id)
      and exists (select 1 from audit_events e where e.owner = o.no and e.kind is null and e.body is null)`.execute(
    db,
  );
  for (const { no, account_id } of rows) {
    // One transaction per owner where the migration has none (SQLite migrations run outside one), and the key last:
    // stopped half-way, a rerun still finds the owner by its key and finishes.
    const close = async (q: Kysely<unknown>) => {
      await sql`update audit_events set kind = null, body = null, salt = null
        where owner = ${no} and (kind is not null or body is not null or salt is not null)`.execute(q);
      await sql`delete from audit_terms where owner = ${no}`.execute(q);
      await sql`delete from audit_keys where account_id = ${account_id}`.execute(q);
    };
    if (db.isTransaction) await close(db);
    else await db.transaction().execute(close);
  }
  return rows.length;
}

const refuseForgotten = (owners: string) => `
  if exists (select 1 from audit_owners o where o.account_id = any(${owners})
      and not exists (select 1 from audit_keys k where k.account_id = o.account_id)) then
    raise exception '${FORGOTTEN_OWNER_MESSAGE}' using errcode = 'P0002';
  end if;`;

const claimFunctions = `
create or replace function audit_claim(p_owner text, p_candidate bytea, p_at bigint,
  out seq bigint, out key bytea, out owner_no integer)
language plpgsql volatile as $$
begin
  seq := nextval('${AUDIT_SEQ_SEQUENCE}');
  perform pg_advisory_xact_lock(audit_seq_lock_key(seq));
  select k.key, o.no into key, owner_no
    from audit_keys k join audit_owners o on o.account_id = k.account_id
    where k.account_id = p_owner for share of k;
  if key is null then
    ${refuseForgotten('array[p_owner]')}
    insert into audit_owners (account_id) values (p_owner) on conflict (account_id) do nothing;
    insert into audit_keys (account_id, key, created_at) values (p_owner, p_candidate, p_at)
      on conflict (account_id) do nothing;
    select k.key, o.no into key, owner_no
      from audit_keys k join audit_owners o on o.account_id = k.account_id
      where k.account_id = p_owner for share of k;
  end if;
end
$$;
create or replace function audit_claim_many(p_owners text[], p_candidates bytea[], p_at bigint, p_n integer,
  out seqs bigint[], out keys bytea[], out owner_nos integer[])
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
    ${refuseForgotten('p_owners')}
    insert into audit_owners (account_id) select o from unnest(p_owners) o order by o
      on conflict (account_id) do nothing;
    insert into audit_keys (account_id, key, created_at)
      select u.o, u.c, p_at from unnest(p_owners, p_candidates) as u(o, c) order by u.o
      on conflict (account_id) do nothing;
    perform 1 from audit_keys k where k.account_id = any(p_owners) order by k.account_id for share;
  end if;
  select array_agg(k.key order by u.i), array_agg(o.no order by u.i) into keys, owner_nos
    from unnest(p_owners) with ordinality as u(o, i)
    left join audit_keys k on k.account_id = u.o
    left join audit_owners o on o.account_id = u.o;
end
$$;`;
