import { CliError } from '../output.ts';

/** Server answers that say "not now" rather than "no": worth waiting out. */
const TRANSIENT_CODES = new Set([
  'unreachable',
  'http_error',
  'not_shoebox',
  'unavailable',
  'rate_limited',
  'internal',
  // No answer in time (api-client.ts): overloaded or stuck for now.
  'timeout',
]);

/**
 * Failures worth waiting out: the server is down, restarting, overloaded or behind a proxy that is; or the
 * connection broke in the middle of a body, where fetch rejects with a bare TypeError carrying the socket error.
 * Anything else (a refused file, a full disk, a revoked session) is not retried blindly.
 */
export function isTransient(err: unknown): boolean {
  if (err instanceof CliError) return TRANSIENT_CODES.has(err.code ?? '');
  return err instanceof TypeError && (err.message === 'terminated' || 'cause' in err);
}

/** The one-line reason for a retry note. */
export function failureText(err: unknown): string {
  const message = (err as Error).message;
  return err instanceof CliError ? message : `The connection to the server broke (${message}).`;
}
