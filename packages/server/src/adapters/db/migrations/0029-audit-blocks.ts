import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectName } from '../database.ts';
import { LEAF_BLOCK } from '../audit-blocks.ts';

/**
 * Packed audit storage (issue 5: at most 200 bytes per entry). On PostgreSQL every row costs ~28 bytes of header
 * and every index entry 20-48 more, so one row per event and one per leaf came to ~390 bytes an entry. Entries the
 * signed tree already covers are moved, by the signer (audit-pack.ts), into rows of many:
 * - audit_leaf_blocks: LEAF_BLOCK consecutive leaves per row, keyed by the first seq (a multiple of LEAF_BLOCK);
 * - audit_event_blocks: up to 64 events of one owner and kind per row, seq, time, body and salt as arrays.
 * Readers see one log through two views, audit_all_events and audit_all_leaves, whose span columns name the stored
 * row holding an entry (a block's seq range, or for a hot event its own seq), so that reads by seq reach a block
 * through its index. SQLite's rows already cost ~181 bytes an entry: it never packs, and its views read the hot
 * tables alone (its block tables stay empty).
 */
export function auditBlocksMigration(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect === 'postgres') await sql.raw(POSTGRES).execute(db);
      else await runEach(db, SQLITE);
      await createAuditViews(db, dialect);
    },
  };
}

/** The views over hot and packed entries (tests that rebuild an older audit_events drop them first). */
export async function createAuditViews<DB>(db: Kysely<DB>, dialect: DialectName): Promise<void> {
  await runEach(db, dialect === 'postgres' ? POSTGRES_VIEWS : SQLITE_VIEWS);
}

export async function dropAuditViews<DB>(db: Kysely<DB>): Promise<void> {
  await runEach(db, 'drop view audit_all_events; drop view audit_all_leaves');
}

/** One statement at a time: SQLite's driver prepares exactly one. */
async function runEach<DB>(db: Kysely<DB>, script: string): Promise<void> {
  for (const statement of script.split(';').map((s) => s.trim()))
    if (statement) await sql.raw(statement).execute(db);
}

const POSTGRES = `
create table audit_leaf_blocks (first_seq bigint primary key, stride smallint not null, leaves bytea not null)
  with (toast_tuple_target = 8160);
create table audit_event_blocks (
  owner integer not null,
  kind smallint,
  first_seq bigint not null,
  last_seq bigint not null,
  seqs bigint[] not null,
  times bigint[] not null,
  bodies bytea[],
  salts bytea[],
  primary key (owner, first_seq)
);
-- Bodies compress by about a third with LZ4 (field tags, term numbers), not at all with the default pglz, which
-- gives up below 25%. A server built without LZ4 keeps the default.
do $$ begin
  alter table audit_event_blocks alter column bodies set compression lz4;
exception when feature_not_supported then null;
end $$;
create index audit_event_blocks_kind on audit_event_blocks (owner, kind, first_seq);
create index audit_event_blocks_span on audit_event_blocks (last_seq, first_seq);
`;

const POSTGRES_VIEWS = `
create view audit_all_events as
  select seq, created_at, owner, kind, body, salt, seq as span_first, seq as span_last from audit_events
  union all
  select u.seq, u.created_at, b.owner, b.kind, u.body, u.salt, b.first_seq, b.last_seq
  from audit_event_blocks b cross join lateral unnest(b.seqs, b.times, b.bodies, b.salts) as u(seq, created_at, body, salt)
  where u.seq between b.first_seq and b.last_seq;
create view audit_all_leaves as
  select seq, leaf, seq - seq % ${LEAF_BLOCK} as span_first from audit_leaves
  union all
  select b.first_seq + i,
    case when b.stride > 0 then substring(b.leaves from i * b.stride + 1 for b.stride)
      else substring(b.leaves from i * -b.stride + 2 for get_byte(b.leaves, i * -b.stride)) end,
    b.first_seq
  from audit_leaf_blocks b
  cross join lateral generate_series(0, length(b.leaves) / nullif(abs(b.stride), 0) - 1) as i;
`;

const SQLITE = `
create table audit_leaf_blocks (first_seq integer primary key, stride integer not null, leaves blob not null);
create table audit_event_blocks (
  owner integer not null,
  kind integer,
  first_seq integer not null,
  last_seq integer not null,
  seqs blob not null,
  times blob not null,
  bodies blob,
  salts blob,
  primary key (owner, first_seq)
);
`;

const SQLITE_VIEWS = `
create view audit_all_events as
  select seq, created_at, owner, kind, body, salt, seq as span_first, seq as span_last from audit_events;
create view audit_all_leaves as
  select seq, leaf, seq - seq % ${LEAF_BLOCK} as span_first from audit_leaves;
`;
