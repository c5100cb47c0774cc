/** English strings of passkeys, the TOTP QR code and the extra ways a waiting browser can let itself in (spread into en). */
export const enPasskeys = {
  'auth.passkey.signIn': 'Sign in with a passkey',
  'auth.passkey.or': 'or',
  'auth.passkey.unsupported': 'This browser cannot use passkeys.',
  'auth.passkey.ipAddress':
    'Passkeys need the server’s name, not its IP address: open Shoebox by its name (or as localhost) to use one.',
  'auth.passkey.wrongAddress':
    'Passkeys of this server work only at the address it is set up for: open Shoebox at that address to use one.',
  'auth.passkey.cancelled':
    'No passkey was used: the prompt was closed, timed out, or found no passkey for this account. Try again.',
  'auth.passkey.alreadyAdded': 'This passkey is already on your account.',
  'auth.passkey.unsuitable': 'This device cannot make a passkey of the kind Shoebox needs.',
  'auth.passkey.failed': 'The passkey did not work. Try again, or use your password.',

  'pending.method.passkey': 'A passkey',
  'pending.method.email-code': 'A code sent by e-mail',
  'pending.passkey.use': 'Use a passkey',
  'pending.passkey.hint': 'Your browser or phone asks you to confirm with the passkey of this account.',
  'pending.email.send': 'E-mail me a code',
  'pending.email.sent': 'A code was sent to {address}. It works once, for 10 minutes.',
  'pending.email.resend': 'Send a new code',
  'pending.email.resendIn': 'Send a new code (in {seconds} s)',
  'pending.email.resent': 'A new code was sent to {address}; the previous one no longer works.',

  'security.totp.qr': 'QR code to scan with your authenticator app',
  'security.totp.scanQr': 'Scan this QR code with your authenticator app, or type the secret below.',

  'security.passkeys.title': 'Passkeys',
  'security.passkeys.intro':
    'A passkey signs you in without a password and lets a new device in as a second factor. It stays on your phone, computer or security key.',
  'security.passkeys.none': 'No passkeys yet.',
  'security.passkeys.name': 'Name of the passkey',
  'security.passkeys.add': 'Add a passkey',
  'security.passkeys.added': 'Passkey “{name}” added.',
  'security.passkeys.remove': 'Remove',
  'security.passkeys.removeLabel': 'Remove passkey {name}',
  'security.passkeys.removed': 'Passkey removed.',
  'security.passkeys.created': 'Added {date}',
  'security.passkeys.lastUsed': 'last used {date}',
  'security.passkeys.neverUsed': 'never used',
  'security.passkeys.verified': 'verifies you (PIN or biometrics)',
  'security.passkeys.synced': 'synced between devices',
  'security.passkeys.deviceBound': 'on one device only',
  'security.passkeys.passwordFirst':
    'Enter your current password to add or remove a passkey (not needed within 15 minutes of signing in).',
  'security.passkeys.endedSessions.one': '{count} other session signed out.',
  'security.passkeys.endedSessions.other': '{count} other sessions signed out.',
} as const;
