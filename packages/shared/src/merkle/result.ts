// Verifier-side functions report untrusted-input problems as values, never throws,
// so callers (browser UI, CLI report) can show the reason as is.

export interface Failure {
  readonly ok: false;
  readonly reason: string;
}

export function failure(reason: string): Failure {
  return { ok: false, reason };
}
