import { createHash, randomBytes } from 'node:crypto';
import { base32Encode } from './totp.ts';

export const RECOVERY_CODE_COUNT = 10;

/** 80 random bits as 16 base32 characters in groups of four: easy to write down, ≥ 64 bits as required. */
export function newRecoveryCode(): string {
  return base32Encode(randomBytes(10)).match(/.{4}/g)?.join('-') ?? '';
}

/** What a person may type: any case, with or without dashes and spaces. */
export function normaliseRecoveryCode(code: string): string {
  return code.toUpperCase().replace(/[^A-Z2-7]/g, '');
}

/** Codes carry 80 random bits, so a plain keyed SHA-256 is enough (no slow hash needed). */
export function recoveryCodeHash(accountId: string, code: string): string {
  return createHash('sha256')
    .update(`${accountId}:recovery:${normaliseRecoveryCode(code)}`)
    .digest('hex');
}
