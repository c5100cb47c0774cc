// The shape of packed audit blocks (migration 0029), checked by the full verification: the views read whatever the
// block rows hold, so a row whose arrays disagree with its span, with each other or with the tree could show
// entries that no page of the check reads (outside its span), or hide entries (a row cut short). The entries
// themselves are checked as any other, through the views.
import { sql } from 'kysely';
import type { Queryable } from './database.ts';
import { EVENT_BLOCK, EVENT_SPAN, LEAF_BLOCK, MIXED_LEAF_SLOT } from './audit-blocks.ts';

/**
 * The first block holding entries at or above `from` that the packer could not have written for a tree of `size`
 * leaves, described; undefined when there is none.
 */
export type AuditBlockCheck = (db: Queryable, from: number, size: number) => Promise<string | undefined>;

export const postgresAuditBlockCheck: AuditBlockCheck = async (db, from, size) => {
  const { rows: leaves } = await sql<{ first_seq: string }>`select first_seq from audit_leaf_blocks
    where first_seq < 0 or (first_seq + ${LEAF_BLOCK} > ${from} and (
      first_seq % ${LEAF_BLOCK} <> 0 or first_seq + ${LEAF_BLOCK} > ${size}
      or stride not in (48, 64, ${-MIXED_LEAF_SLOT})
      or length(leaves) <> ${LEAF_BLOCK} * abs(stride)
      -- A case, so that get_byte only reads a mixed block of the right length (OR gives no order).
      or case when stride <> ${-MIXED_LEAF_SLOT} or length(leaves) <> ${LEAF_BLOCK * MIXED_LEAF_SLOT} then false
        else exists (select 1 from generate_series(0, ${LEAF_BLOCK - 1}) as i
          where get_byte(leaves, i * ${MIXED_LEAF_SLOT}) not in (48, 64)) end))
    order by first_seq limit 1`.execute(db);
  const leaf = leaves[0];
  if (leaf) return `audit leaf block ${leaf.first_seq} is not one the log writes`;
  const { rows: events } = await sql<{ owner: number; first_seq: string }>`select b.owner, b.first_seq
    from audit_event_blocks b
    where b.first_seq < 0 or b.last_seq < b.first_seq or (b.last_seq >= ${from} and (
      b.last_seq >= ${size} or b.last_seq - b.first_seq >= ${EVENT_SPAN}
      or coalesce(cardinality(b.seqs), 0) not between 1 and ${EVENT_BLOCK}
      or coalesce(cardinality(b.times), 0) <> cardinality(b.seqs)
      or (b.bodies is not null and cardinality(b.bodies) <> cardinality(b.seqs))
      or (b.salts is not null and cardinality(b.salts) <> cardinality(b.seqs))
      or exists (select 1 from unnest(b.times) as t where t is null)
      or exists (select 1 from (
          select s, lag(s) over (order by i) as prev, i, count(*) over () as n
          from unnest(b.seqs) with ordinality as u(s, i)) x
        where s is null or s <= prev or (i = 1 and s <> b.first_seq) or (i = n and s <> b.last_seq))))
    order by b.first_seq limit 1`.execute(db);
  const event = events[0];
  if (event) return `audit event block ${event.first_seq} of owner ${event.owner} is not one the log writes`;
  return undefined;
};
