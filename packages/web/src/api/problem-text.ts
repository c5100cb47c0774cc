import { en, type MessageKey } from '../i18n/en.ts';
import type { Locale, Translator } from '../i18n/translate.ts';
import { ApiError } from './api-error.ts';

type ProblemKey = Extract<MessageKey, `problem.${string}`>;
type Reader = Pick<Translator, 't' | 'locale'>;

/** What the reader is told about a failed call: the problem document's code, status and (English) detail. */
export interface ProblemLike {
  status: number;
  code: string;
  detail: string;
}

/**
 * Codes whose server detail says more than any fixed sentence could (which field, which state, which rule of the
 * password): a reader of English gets the server's own words for them; other readers get the translated sentence.
 */
const DETAILED: ReadonlySet<string> = new Set([
  'bad_request',
  'validation_failed',
  'conflict',
  'forbidden',
  'not_found',
  'weak_password',
  // A wrong password, and also a passkey that did not verify: only the server's words say which.
  'invalid_credentials',
  // How long to wait (the server says how many seconds).
  'rate_limited',
]);

const keyOf = (code: string): ProblemKey | null => {
  const key = `problem.${code}`;
  return key in en ? (key as ProblemKey) : null;
};

/** The server writes its details in English. */
const readsEnglish = (locale: Locale) => locale.toLowerCase().startsWith('en');

/**
 * A failed call in the reader's language: the sentence for its code (packages/server/src/errors.ts), or the server's
 * detail when that is more specific and the reader reads English; a code without a sentence gets the server's detail
 * in English and a translated generic sentence in any other language.
 */
export function describeProblem({ t, locale }: Reader, problem: ProblemLike): string {
  const key = keyOf(problem.code);
  const english = readsEnglish(locale) && problem.detail !== '' && problem.code !== 'http_error';
  if (key === null) return english ? problem.detail : t('problems.other', { status: problem.status });
  if (english && DETAILED.has(problem.code)) return problem.detail;
  return t(key);
}

/** Any failure in words: an API problem as above; anything else (a browser's own error) by its message. */
export function failureText(reader: Reader, err: unknown): string {
  if (err instanceof ApiError)
    return describeProblem(reader, { status: err.status, code: err.code, detail: err.detail });
  return err instanceof Error ? err.message : String(err);
}
