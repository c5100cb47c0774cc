import fs from 'node:fs';
import argon2 from 'argon2';
import { AppError } from '../errors.ts';

const COMMON_PASSWORDS_FILE = new URL('./common-passwords.txt', import.meta.url);
let common: Set<string> | undefined;

function commonPasswords(): Set<string> {
  common ??= new Set(
    fs
      .readFileSync(COMMON_PASSWORDS_FILE, 'utf8')
      .split('\n')
      .filter((line) => line && !line.startsWith('#')),
  );
  return common;
}

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

/** NIST SP 800-63B: length and a blocklist, no composition rules. Throws `weak_password` with the reason. */
export function assertAcceptablePassword(password: string, email: string): void {
  const length = [...password].length;
  if (length < PASSWORD_MIN) throw new AppError('weak_password', `Use at least ${PASSWORD_MIN} characters.`);
  if (length > PASSWORD_MAX) throw new AppError('weak_password', `Use at most ${PASSWORD_MAX} characters.`);
  const lower = password.toLowerCase();
  if (commonPasswords().has(lower)) {
    throw new AppError(
      'weak_password',
      'This password is one of the most commonly used ones; choose another.',
    );
  }
  const local = email.split('@')[0]?.toLowerCase() ?? '';
  if (local.length >= 4 && lower.includes(local)) {
    throw new AppError('weak_password', 'The password must not contain your e-mail name.');
  }
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  /** Spend the same time as a real verification, so unknown accounts answer as slowly as known ones. */
  verifyDummy(password: string): Promise<void>;
}

/** argon2id with OWASP's minimum: 19 MiB, 2 passes, 1 lane. */
export function createPasswordHasher(memoryKiB: number): PasswordHasher {
  const options = { type: argon2.argon2id, memoryCost: memoryKiB, timeCost: 2, parallelism: 1 } as const;
  let dummy: Promise<string> | undefined;
  return {
    hash: (password) => argon2.hash(password, options),
    async verify(hash, password) {
      try {
        return await argon2.verify(hash, password);
      } catch {
        return false;
      }
    },
    async verifyDummy(password) {
      dummy ??= argon2.hash('shoebox-dummy-password', options);
      await argon2.verify(await dummy, password).catch(() => false);
    },
  };
}
