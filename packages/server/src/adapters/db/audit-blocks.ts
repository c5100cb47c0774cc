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
