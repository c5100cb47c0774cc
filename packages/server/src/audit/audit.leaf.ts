// Leaf format (server side; a device recomputes the same with WebCrypto or @noble/hashes):
//   event      = RFC 8785 canonical JSON {v:1, seq, kind, at, body}
//   tag        = HMAC-SHA256(K_account, u64be(seq))      — only the key holder can attribute it
//   commitment = SHA-256(salt ‖ event), salt 16 bytes — hides low-entropy content: since migration 0024 derived as
//                the first 16 bytes of HMAC-SHA256(K_account, "salt" ‖ u64be(seq)) instead of stored (older entries
//                keep their random stored salt); destroying the key still leaves nothing to open an entry with
//   leaf       = tag ‖ commitment (public); the Merkle leaf hash is SHA-256(0x00 ‖ leaf). Since migration 0025 the
//                tag is the HMAC's first 16 bytes (48-byte leaves: attribution needs 128 bits, not 256, and every
//                entry stores a leaf); leaves written before keep their 32-byte tag, and their length says which.
//                Devices and offline verifiers recompute the same (@shoebox/shared/audit-leaf).
// A void leaf fills the seq of a transaction that claimed it and rolled back (audit.extend.ts):
//   tag = SHA-256("shoebox/void" ‖ u64be(seq)), commitment = 32 zero bytes; its event row has kind VOID_KIND and
//   no account, body or salt. It carries no account's tag (an HMAC under a secret key never equals it in practice).
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { canonicalJson } from '@shoebox/shared/canonical-json';

export const KEY_BYTES = 32;
export const SALT_BYTES = 16;
/** Tag bytes of a leaf written now (older leaves and void leaves carry 32). */
export const TAG_BYTES = 16;
export const COMMITMENT_BYTES = 32;
/** A leaf written now; older ones are 64 bytes (full tags). */
export const LEAF_BYTES = TAG_BYTES + COMMITMENT_BYTES;
/** Tag lengths a stored leaf may have: 16 since migration 0025, 32 before and in void leaves. */
const TAG_LENGTHS = [TAG_BYTES, 32];
export const EVENT_VERSION = 1;

/** The committed text of an event. seq and time are inside so neither can be moved undetected. */
export function eventText(seq: number, at: number, input: { kind: string; body: unknown }): string {
  return canonicalJson({ v: EVENT_VERSION, seq, kind: input.kind, at, body: input.body });
}

export function seqBytes(seq: number): Buffer {
  if (!Number.isSafeInteger(seq) || seq < 0) throw new RangeError(`bad audit seq ${seq}`);
  const out = Buffer.alloc(8);
  out.writeBigUInt64BE(BigInt(seq));
  return out;
}

const SALT_DOMAIN = Buffer.from('salt', 'utf8');

/** The salt of the entry at `seq` under `key` (entries written since migration 0024 store none). */
export function derivedSalt(key: Uint8Array, seq: number): Buffer {
  return createHmac('sha256', key).update(SALT_DOMAIN).update(seqBytes(seq)).digest().subarray(0, SALT_BYTES);
}

export function leafTag(key: Uint8Array, seq: number): Buffer {
  return createHmac('sha256', key).update(seqBytes(seq)).digest();
}

export function commitment(salt: Uint8Array, event: string): Buffer {
  return createHash('sha256').update(salt).update(event, 'utf8').digest();
}

export function makeLeaf(key: Uint8Array, seq: number, salt: Uint8Array, event: string): Buffer {
  return Buffer.concat([leafTag(key, seq).subarray(0, TAG_BYTES), commitment(salt, event)]);
}

/** audit_events.kind of a void entry: a seq claimed by a transaction that rolled back (never an AuditInput kind). */
export const VOID_KIND = 'audit.void';
const VOID_DOMAIN = Buffer.from('shoebox/void', 'utf8');

/** The leaf of a voided seq: deterministic, so anyone can recompute it. */
export function voidLeaf(seq: number): Buffer {
  return Buffer.concat([
    createHash('sha256').update(VOID_DOMAIN).update(seqBytes(seq)).digest(),
    Buffer.alloc(32),
  ]);
}

/** Whether `key` attributes the leaf at `seq` (its tag is ours, in the leaf's own tag length). */
export function tagMatches(leaf: Uint8Array, key: Uint8Array, seq: number): boolean {
  const n = leaf.length - COMMITMENT_BYTES;
  if (!TAG_LENGTHS.includes(n)) return false;
  return timingSafeEqual(leaf.subarray(0, n), leafTag(key, seq).subarray(0, n));
}

/** Whether the leaf at `seq` is exactly this event under this key and salt. */
export function opensLeaf(
  leaf: Uint8Array,
  key: Uint8Array,
  seq: number,
  salt: Uint8Array,
  event: string,
): boolean {
  return (
    tagMatches(leaf, key, seq) &&
    Buffer.from(leaf.subarray(leaf.length - COMMITMENT_BYTES)).equals(commitment(salt, event))
  );
}

/** Uint8Array → Buffer without copying (better-sqlite3 binds Buffers only). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
