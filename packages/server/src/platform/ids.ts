import { randomBytes } from 'node:crypto';

/**
 * A UUIDv7: 48 bits of millisecond time then random bits. Time-ordered ids keep B-tree inserts local and make
 * ids sortable by creation, without revealing anything beyond the creation time.
 */
export function newId(now = Date.now()): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** An opaque secret with the given number of random bits, URL-safe. */
export function newSecret(bits = 256): string {
  return randomBytes(bits / 8).toString('base64url');
}
