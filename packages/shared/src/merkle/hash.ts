// RFC 6962 §2.1 hashing. The 0x00/0x01 prefixes keep a leaf from ever being
// confused with an interior node (second-preimage resistance).
import { sha256 } from '@noble/hashes/sha2.js';

/** Size in bytes of every leaf, node and root hash. */
export const HASH_SIZE = 32;

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

/** SHA-256(0x00 ‖ leaf). */
export function leafHash(leaf: Uint8Array): Uint8Array {
  const buf = new Uint8Array(1 + leaf.length);
  buf[0] = LEAF_PREFIX;
  buf.set(leaf, 1);
  return sha256(buf);
}

/** SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  const buf = new Uint8Array(1 + left.length + right.length);
  buf[0] = NODE_PREFIX;
  buf.set(left, 1);
  buf.set(right, 1 + left.length);
  return sha256(buf);
}

/**
 * Root of the empty tree, SHA-256 of nothing (RFC 6962), which C2SP checkpoints
 * use too — unlike Go's sumdb/tlog, whose empty tree hash is all zeros.
 */
export function emptyRoot(): Uint8Array {
  return sha256(new Uint8Array(0));
}
