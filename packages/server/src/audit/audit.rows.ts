// Reading entries wherever they are stored: hot rows, or blocks the signer packed them into (migration 0029).
// Reads go through the views audit_all_events and audit_all_leaves in one statement each, so an entry being packed
// meanwhile is seen once; reads by seq also bound the span columns, which is what lets PostgreSQL reach a block
// through its index instead of unpacking every block to test its seqs.
import { EVENT_SPAN, leafSpan } from '../adapters/db/audit-blocks.ts';
import type { AuditDb } from './audit.db.ts';

/** Leaves of `seqs`, by seq. A seq with no leaf is absent. */
export async function leavesAt(db: AuditDb, seqs: readonly number[]): Promise<Map<number, Uint8Array>> {
  if (seqs.length === 0) return new Map();
  const wanted = [...new Set(seqs)];
  const rows = await db
    .selectFrom('audit_all_leaves')
    .select(['seq', 'leaf'])
    .where('span_first', 'in', [...new Set(wanted.map(leafSpan))])
    .where('seq', 'in', wanted)
    .execute();
  return new Map(rows.map((r) => [Number(r.seq), r.leaf]));
}

/** Leaves with from <= seq < to, in seq order (a damaged log may have gaps or repeats: callers check). */
export function leafRange(db: AuditDb, from: number, to: number) {
  return db
    .selectFrom('audit_all_leaves')
    .select(['seq', 'leaf'])
    .where('span_first', '>=', leafSpan(from))
    .where('span_first', '<', to)
    .where('seq', '>=', from)
    .where('seq', '<', to)
    .orderBy('seq')
    .execute();
}

/**
 * Events with from <= seq < to, in seq order (a damaged log may have gaps or repeats: callers check). A block
 * spans fewer than EVENT_SPAN seqs, so one holding any of them ends before to + EVENT_SPAN.
 */
export function eventRange(db: AuditDb, from: number, to: number) {
  return db
    .selectFrom('audit_all_events')
    .select(['seq', 'created_at', 'owner', 'kind', 'body', 'salt'])
    .where('span_last', '>=', from)
    .where('span_last', '<', to + EVENT_SPAN)
    .where('span_first', '<', to)
    .where('seq', '>=', from)
    .where('seq', '<', to)
    .orderBy('seq')
    .execute();
}
