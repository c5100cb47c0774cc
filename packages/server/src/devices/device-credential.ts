import { createHash, timingSafeEqual } from 'node:crypto';
import type { DeviceRow } from '../adapters/db/schema.ts';
import { newSecret } from '../platform/ids.ts';

/*
 * The device credential: a 256-bit secret the server gives a device when it becomes trusted, returned once, kept
 * by the device beside its installation id, and stored here only as its SHA-256. Signing in again is trusted at
 * once only when the credential matches: the installation id alone is a plain identifier (in the database, in
 * browser storage, in logs) and, with a leaked password, must not skip approval.
 */

export interface IssuedCredential {
  /** Goes to the device once; never stored or logged. */
  credential: string;
  hash: string;
}

export function credentialHash(credential: string): string {
  return createHash('sha256').update(credential).digest('hex');
}

export function issueCredential(): IssuedCredential {
  const credential = newSecret(256);
  return { credential, hash: credentialHash(credential) };
}

/** Whether `given` is the credential whose hash is stored; compared in constant time. */
export function credentialMatches(given: string | undefined, storedHash: string | null): boolean {
  if (!given || !storedHash) return false;
  const a = Buffer.from(credentialHash(given), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Whether the device may sign in again as trusted by proving `given`. */
export function provesDevice(row: DeviceRow | undefined, given: string | undefined): boolean {
  if (row?.status !== 'trusted') return false;
  return credentialMatches(given, row.credential_hash);
}
