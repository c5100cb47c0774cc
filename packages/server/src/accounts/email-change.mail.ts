import type { MailMessage } from '../adapters/mail/mailer.ts';
import { iso } from '../platform/clock.ts';

/** The code to the new address. It names nothing of the account: whoever reads it may not be its owner. */
export function codeMail(to: string, code: string, expiresAt: number): MailMessage {
  return {
    to,
    subject: `Your Shoebox code to confirm this address: ${code}`,
    text: [
      `Your code to make this address the e-mail of your Shoebox account: ${code}`,
      `It works once, until ${iso(expiresAt).replace('T', ' ').slice(0, 19)} UTC.`,
      '',
      'If you did not ask for this, ignore this e-mail: nothing changes without the code.',
    ].join('\n'),
  };
}

export function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 1)}…@${domain}`;
}
