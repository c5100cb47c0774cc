import type { MailMessage } from '../adapters/mail/mailer.ts';
import { iso } from '../platform/clock.ts';
import type { PendingDeletion } from './account-deletion.store.ts';

/** The last message to the owner: what happened and that nothing of the account can be brought back. */
export function deletedMail(to: string, pending: PendingDeletion, doneAt: number): MailMessage {
  const when = (t: number) => `${iso(t).replace('T', ' ').slice(0, 19)} UTC`;
  const who =
    pending.by === 'owner'
      ? 'You asked for it'
      : `An administrator of this server deleted it, giving this reason: ${pending.reason}`;
  return {
    to,
    subject: 'Your Shoebox account has been deleted',
    text: [
      `Your Shoebox account was deleted on ${when(doneAt)} (requested ${when(pending.requestedAt)}).`,
      `${who}.`,
      '',
      'Its photos, albums, shares, devices, sessions, sign-in factors and this address are gone from the server,',
      'and its entries in the audit log can no longer be opened by anyone. This cannot be undone.',
      '',
      'This is the last message you will receive about this account.',
    ].join('\n'),
  };
}
