/** English strings of account deletion: the owner's section in Security, and the admin's action (spread into en). */
export const enDeletion = {
  'security.delete.title': 'Delete account',
  'security.delete.warning':
    'Deleting your account removes, for good, every photo, album and share, every device and sign-in method, and your e-mail address from this server. People you shared albums with lose them too. Your entries in the audit log stay in the log but can no longer be opened by anyone. This cannot be undone.',
  'security.delete.typeEmail': 'Type your e-mail address ({email}) to confirm',
  'security.delete.password': 'Password (needed unless you signed in in the last 15 minutes)',
  'security.delete.submit': 'Delete my account',
  'security.delete.mismatch': 'The e-mail address you typed does not match this account.',
  'security.delete.lastAdmin': 'You are the last administrator: make another account administrator first.',
  'auth.accountDeleted': 'Your account is being deleted. Everything in it is removed from the server.',

  'admin.accounts.delete': 'Delete',
  'admin.accounts.deleteFor': 'Delete {email}',
  'admin.accounts.deleteWarning':
    'This deletes {email} for good: its photos, albums, shares, devices, sign-in methods and address. Its sessions end at once. This cannot be undone.',
  'admin.accounts.deleteReason': 'Reason (recorded in your audit log)',
  'admin.accounts.deletePassword': 'Your password (needed unless you signed in in the last 15 minutes)',
  'admin.accounts.deleted': '{email} is being deleted; its sessions have ended.',
} as const;
