/** English strings of server problem codes, shown instead of the server's English detail (spread into en). */
export const enProblems = {
  // One sentence per code of packages/server/src/errors.ts (invalid_credentials, email_taken and rate_limited are in
  // en.pages.ts), plus the client's own network_error. Used by api/problem-text.ts.
  'problem.bad_request': 'The server could not accept this request.',
  'problem.validation_failed': 'Some of what was sent is not valid.',
  'problem.invalid_cursor': 'The list position is no longer valid: reload the page.',
  'problem.cursor_reset': 'The list changed on the server: reload the page.',
  'problem.ack_beyond_head': 'The server could not accept this request.',
  'problem.checksum_mismatch': 'The file was damaged on the way to the server; nothing was kept. Try again.',
  'problem.empty_file': 'The file is empty.',
  'problem.unsupported_media_type':
    'This file is not a photo Shoebox can keep (JPEG, PNG, WebP, GIF, HEIC/HEIF, AVIF, TIFF or RAW).',
  'problem.weak_password': 'That password is not accepted: choose a longer, less common one.',
  'problem.unauthenticated': 'You are signed out: sign in again.',
  'problem.session_expired': 'Your session ended: sign in again.',
  'problem.forbidden': 'Your account is not allowed to do this.',
  'problem.device_pending':
    'This device is waiting for approval: allow it from one of your trusted devices first.',
  'problem.device_not_trusted': 'Do this from one of your trusted devices.',
  'problem.password_change_required': 'Change your password first.',
  'problem.account_disabled': 'This account is disabled: ask the administrator.',
  'problem.reauth_required': 'Confirm it is you first.',
  'problem.signup_closed': 'Sign-up is closed on this server, or the invitation is not valid.',
  'problem.not_found': 'It is not there any more, or you cannot see it.',
  'problem.conflict': 'This cannot be done in the current state: reload and try again.',
  'problem.payload_too_large': 'The file is larger than this server accepts.',
  'problem.range_not_satisfiable': 'The server could not send that part of the file.',
  'problem.upload_aborted': 'The upload was interrupted before the whole file arrived. Try again.',
  'problem.audit_log_damaged': 'The account’s audit log is damaged: tell the administrator.',
  'problem.internal': 'Something went wrong on the server. Try again later.',
  'problem.unavailable': 'The server is busy or not ready: try again in a moment.',
  'problem.network_error': 'Can’t reach the Shoebox server. Check your connection and try again.',
  /** A code this app has no sentence for (or no problem document at all). */
  'problems.other': 'The server refused this request (HTTP {status}).',
} as const;
