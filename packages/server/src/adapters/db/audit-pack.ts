// Packs audit entries the signed tree covers into blocks (migration 0029; PostgreSQL only): leaves LEAF_BLOCK to a
// row, events up to EVENT_BLOCK of one owner and kind to a row. Every move is one statement that deletes the hot rows
// and inserts their block, so a reader (one statement through the views) sees each entry exactly once. Blocks are
// never reopened: a partial event block (an owner's kind quiet for a day) stays partial, later events go to new ones.
import { sql } from 'kysely';
import type { Queryable } from './database.ts';
import { EVENT_BLOCK, EVENT_SPAN, LEAF_BLOCK, MIXED_LEAF_SLOT, leafSpan } from './audit-blocks.ts';

export interface AuditPackResult {
  leafBlocks: number;
  eventBlocks: number;
}

/**
 * Packs what lies below `size` (the stored tree's): every whole leaf block, and per owner and kind every full event
 * block, plus the rest of a kind whose newest covered event is older than `sealBefore` (ms).
 */
export type AuditPack = (db: Queryable, size: number, sealBefore: number) => Promise<AuditPackResult>;

/** Leaf blocks one statement moves at most: bounds one transaction on a log's first pack. */
const LEAF_BLOCKS_PER_STATEMENT = 256;

export const postgresAuditPack: AuditPack = async (db, size, sealBefore) => ({
  leafBlocks: await packLeaves(db, leafSpan(size)),
  eventBlocks: await packEvents(db, size, sealBefore),
});

async function packLeaves(db: Queryable, end: number): Promise<number> {
  const { rows } = await sql<{ seq: number | null }>`select min(seq) as seq from audit_leaves`.execute(db);
  const lowest = rows[0]?.seq;
  if (lowest === null || lowest === undefined) return 0;
  let packed = 0;
  for (let from = leafSpan(Number(lowest)); from < end; from += LEAF_BLOCK * LEAF_BLOCKS_PER_STATEMENT) {
    const to = Math.min(end, from + LEAF_BLOCK * LEAF_BLOCKS_PER_STATEMENT);
    // Only whole blocks move (seq is unique, so LEAF_BLOCK rows in an aligned range are all of it): a block with a
    // leaf missing stays as it is, for the full check to report. Leaves of one length are stored end to end; a
    // block mixing lengths (a void entry) in length-prefixed slots (MIXED_LEAF_SLOT).
    const { rows: done } = await sql<{ n: number }>`with whole as (
        select seq - seq % ${LEAF_BLOCK} as first_seq, min(length(leaf)) = max(length(leaf)) as even
        from audit_leaves where seq >= ${from} and seq < ${to} group by 1
        having count(*) = ${LEAF_BLOCK} and max(length(leaf)) < ${MIXED_LEAF_SLOT}),
      moved as (delete from audit_leaves l using whole w
        where l.seq >= w.first_seq and l.seq < w.first_seq + ${LEAF_BLOCK} returning l.seq, l.leaf, w.even),
      packed as (insert into audit_leaf_blocks (first_seq, stride, leaves)
        select seq - seq % ${LEAF_BLOCK},
          case when bool_and(even) then min(length(leaf)) else ${-MIXED_LEAF_SLOT} end,
          case when bool_and(even) then string_agg(leaf, ''::bytea order by seq)
            else string_agg(decode(lpad(to_hex(length(leaf)), 2, '0'), 'hex') || leaf
              || substring(decode(repeat('00', ${MIXED_LEAF_SLOT}), 'hex') from 1 for ${MIXED_LEAF_SLOT - 1} - length(leaf)),
              ''::bytea order by seq) end
        from moved group by 1 returning 1)
      select count(*)::int as n from packed`.execute(db);
    packed += done[0]?.n ?? 0;
  }
  return packed;
}

async function packEvents(db: Queryable, size: number, sealBefore: number): Promise<number> {
  const { rows: groups } = await sql<{ owner: number; kind: number; n: number; newest: number }>`
    select owner, kind, count(*)::int as n, max(created_at) as newest from audit_events
    where seq < ${size} and owner is not null and kind is not null
    group by owner, kind having count(*) >= ${EVENT_BLOCK} or max(created_at) < ${sealBefore}`.execute(db);
  let packed = 0;
  for (const group of groups) {
    const stale = Number(group.newest) < sealBefore;
    for (let left = group.n; left >= EVENT_BLOCK || (stale && left > 0);) {
      const moved = await packEventBlock(db, group.owner, group.kind, size);
      if (moved === 0) break;
      packed++;
      left -= moved;
    }
  }
  return packed;
}

/** Moves the oldest covered events (at most EVENT_BLOCK) of one owner and kind into a block; returns how many. */
async function packEventBlock(db: Queryable, owner: number, kind: number, size: number): Promise<number> {
  const move = async (trx: Queryable): Promise<number> => {
    // Forgetting an account locks its key row and blanks hot rows and blocks in one transaction: packing waits for
    // it, and packs nothing of an owner already forgotten (its key row is gone).
    const { rows: key } =
      await sql`select 1 from audit_keys k join audit_owners o on o.account_id = k.account_id
      where o.no = ${owner} for share of k`.execute(trx);
    if (key.length === 0) return 0;
    // A block ends at EVENT_BLOCK events or EVENT_SPAN seqs, whichever comes first.
    const { rows } = await sql<{ n: number }>`with oldest as (
        select min(seq) as seq from audit_events where owner = ${owner} and kind = ${kind} and seq < ${size}),
      batch as (
        select e.seq from audit_events e, oldest o where e.owner = ${owner} and e.kind = ${kind}
          and e.seq < ${size} and e.seq < o.seq + ${EVENT_SPAN}
        order by e.seq limit ${EVENT_BLOCK}),
      moved as (delete from audit_events e using batch b where e.seq = b.seq and e.owner = ${owner}
        and e.kind = ${kind} returning e.seq, e.created_at, e.body, e.salt),
      packed as (insert into audit_event_blocks (owner, kind, first_seq, last_seq, seqs, times, bodies, salts)
        select ${owner}::integer, ${kind}::smallint, min(seq), max(seq), array_agg(seq order by seq),
          array_agg(created_at order by seq), array_agg(body order by seq),
          case when bool_and(salt is null) then null else array_agg(salt order by seq) end
        from moved having count(*) > 0 returning cardinality(seqs) as n)
      select coalesce(sum(n), 0)::int as n from packed`.execute(trx);
    return rows[0]?.n ?? 0;
  };
  return db.isTransaction ? move(db) : db.transaction().execute(move);
}
