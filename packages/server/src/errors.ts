/**
 * The one error type of the server. Services throw it with a code from a closed set; the HTTP layer maps
 * codes to statuses in one table (see adapters/http/problem.ts) and renders application/problem+json.
 */
export const ERROR_CODES = {
  bad_request: 400,
  validation_failed: 400,
  invalid_cursor: 400,
  cursor_reset: 410,
  ack_beyond_head: 400,
  checksum_mismatch: 400,
  empty_file: 400,
  unsupported_media_type: 415,
  weak_password: 400,
  unauthenticated: 401,
  /** The token was valid but its session ran out (web: 30 days, or 7 idle; device: 90 idle): sign in again. */
  session_expired: 401,
  invalid_credentials: 401,
  forbidden: 403,
  device_pending: 403,
  device_not_trusted: 403,
  password_change_required: 403,
  /** An admin disabled the account: no sign-in until they enable it again. */
  account_disabled: 403,
  /** 403, not 401: the session is fine, this action wants a password or factor proved in the last 15 minutes. */
  reauth_required: 403,
  signup_closed: 403,
  not_found: 404,
  conflict: 409,
  email_taken: 409,
  payload_too_large: 413,
  range_not_satisfiable: 416,
  rate_limited: 429,
  upload_aborted: 400,
  /** Stored audit-log rows are missing or altered: nothing of the log can be proven until an operator acts. */
  audit_log_damaged: 500,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra machine-readable members for the problem document (e.g. which fields failed). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }

  get status(): number {
    return ERROR_CODES[this.code];
  }
}

/** Shorthand used by services for the most common case: an id the caller may not see. */
export function notFound(what: string): AppError {
  return new AppError('not_found', `${what} not found.`);
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}
