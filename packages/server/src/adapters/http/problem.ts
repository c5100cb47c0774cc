import type { Problem } from '@shoebox/shared';
import { HTTPException } from 'hono/http-exception';
import { AppError, ERROR_CODES, type ErrorCode } from '../../errors.ts';

const TITLES: Record<ErrorCode, string> = {
  bad_request: 'Bad request',
  validation_failed: 'Invalid request',
  invalid_cursor: 'Invalid cursor',
  cursor_reset: 'Resynchronise from a snapshot',
  ack_beyond_head: 'Acknowledged beyond the feed',
  checksum_mismatch: 'Checksum mismatch',
  empty_file: 'Empty file',
  unsupported_media_type: 'Unsupported media type',
  weak_password: 'Password not accepted',
  unauthenticated: 'Not signed in',
  session_expired: 'Session expired',
  invalid_credentials: 'Wrong e-mail or password',
  forbidden: 'Forbidden',
  device_pending: 'Device waiting for approval',
  device_not_trusted: 'Device not trusted',
  password_change_required: 'Password change required',
  account_disabled: 'Account disabled',
  reauth_required: 'Confirm it is you',
  signup_closed: 'Sign-up closed',
  not_found: 'Not found',
  conflict: 'Conflict',
  email_taken: 'E-mail already in use',
  payload_too_large: 'File too large',
  range_not_satisfiable: 'Range not satisfiable',
  rate_limited: 'Too many attempts',
  upload_aborted: 'Upload interrupted',
  audit_log_damaged: 'Audit log damaged',
  internal: 'Internal error',
  unavailable: 'Service unavailable',
};

/**
 * What Hono itself refuses before a route runs (its request validators): a body that is not JSON (400), or a body
 * of a type the route does not take (415). Anything else it throws is ours to explain as internal.
 */
function fromHono(err: HTTPException): AppError | null {
  if (err.status === 400)
    return new AppError('bad_request', `The request body could not be read: ${err.message}.`);
  if (err.status === 415)
    return new AppError(
      'unsupported_media_type',
      'This route does not take a request body of that content type.',
    );
  return null;
}

/** The single mapping from any thrown value to an RFC 9457 problem document. */
export function toProblem(err: unknown, requestId: string): Problem {
  const appError =
    (err instanceof AppError ? err : null) ??
    (err instanceof HTTPException ? fromHono(err) : null) ??
    new AppError('internal', 'Something went wrong on the server.');
  return {
    ...(appError.details ?? {}),
    type: `https://shoebox.dev/problems/${appError.code.replaceAll('_', '-')}`,
    title: TITLES[appError.code],
    status: ERROR_CODES[appError.code],
    code: appError.code,
    detail: appError.message,
    requestId,
  };
}
