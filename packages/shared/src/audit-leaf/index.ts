// An account's audit leaves as a device or an offline verifier recomputes them (the server writes the same with
// node:crypto, packages/server/src/audit/audit.leaf.ts):
//   tag        = HMAC-SHA256(K_account, u64be(seq)), its first 16 bytes in leaves written since migration 0025 (all 32
//                before: the leaf's length says which)
//   commitment = SHA-256(salt ‖ committed event text)
//   leaf       = tag ‖ commitment
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';

/** Leaf lengths a log holds: 16-byte tags since migration 0025, 32-byte tags before (and in void leaves). */
export const LEAF_LENGTHS: readonly number[] = [48, 64];
const COMMITMENT_BYTES = 32;

function seqBytes(seq: number): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(seq));
  return bytes;
}

/** The account's full 32-byte tag for `seq`. */
export function auditTag(key: Uint8Array, seq: number): Uint8Array {
  return hmac(sha256, key, seqBytes(seq));
}

/**
 * The leaf `key` makes of the event at `seq`, in the form of `served` (the leaf the log holds at `seq`, whose length
 * says how long its tag is); the current form when there is none.
 */
export function auditLeaf(
  key: Uint8Array,
  seq: number,
  salt: Uint8Array,
  event: string,
  served?: Uint8Array,
): Uint8Array {
  const tagBytes = served && served.length === 64 ? 32 : 16;
  const text = new TextEncoder().encode(event);
  const salted = new Uint8Array(salt.length + text.length);
  salted.set(salt);
  salted.set(text, salt.length);
  const leaf = new Uint8Array(tagBytes + COMMITMENT_BYTES);
  leaf.set(auditTag(key, seq).subarray(0, tagBytes));
  leaf.set(sha256(salted), tagBytes);
  return leaf;
}

/** Whether the leaf at `seq` carries the account's tag (an entry of this account, disclosed or not). */
export function carriesTag(leaf: Uint8Array, key: Uint8Array, seq: number): boolean {
  if (!LEAF_LENGTHS.includes(leaf.length)) return false;
  const n = leaf.length - COMMITMENT_BYTES;
  const tag = auditTag(key, seq);
  let diff = 0;
  for (let i = 0; i < n; i++) diff |= (leaf[i] ?? 0) ^ (tag[i] ?? 0);
  return diff === 0;
}
