// Layout of packed audit storage (migration 0029), shared by the views that read it and the packer that writes it.

/**
 * Leaves per audit_leaf_blocks row; a block starts at a multiple of it. 168 leaves of 48 bytes are one 8,102-byte row:
 * one to a PostgreSQL page, with nothing to TOAST (toast_tuple_target 8160).
 */
export const LEAF_BLOCK = 168;
/** Most events per audit_event_blocks row. */
export const EVENT_BLOCK = 64;

/** The first seq of the leaf block holding `seq` (audit_all_leaves.span_first). */
export function leafSpan(seq: number): number {
  return seq - (seq % LEAF_BLOCK);
}

/**
 * Widest seq range one event block may span. A quiet owner's events lie far apart in the log; unbounded, its block
 * would overlap every page a reader by seq asks for. Bounded, a read of [from, to) finds its blocks by
 * last_seq in [from, to + EVENT_SPAN) through the span index.
 */
export const EVENT_SPAN = 262_144;

/**
 * A leaf block whose leaves differ in length (a void entry's 64-byte leaf among 48-byte ones; leaves from before
 * migration 0025) stores each in a slot of 1 + the longest length: its length byte, the leaf, zero padding. Its
 * stride column is then the negated slot size.
 */
export const MIXED_LEAF_SLOT = 1 + 64;
