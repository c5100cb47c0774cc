import { listOf } from '../components/place-names.ts';
import type { Translator } from '../i18n/translate.ts';

/** The sign-in factors the server records (the `explain.factor.*` strings). */
export const FACTORS = [
  'password',
  'totp',
  'passkey',
  'recovery-code',
  'email-code',
  'trusted-device',
] as const;
export type Factor = (typeof FACTORS)[number];
export const isFactor = (f: string): f is Factor => (FACTORS as readonly string[]).includes(f);

/** "password and authenticator code" in the reader's language; a factor this app does not know stays its code. */
export function factorList(
  { t, locale }: Pick<Translator, 't' | 'locale'>,
  factors: readonly string[],
): string {
  return listOf(
    factors.map((f) => (isFactor(f) ? t(`explain.factor.${f}`) : f)),
    locale,
  );
}
