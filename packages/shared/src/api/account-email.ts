import { z } from 'zod';
import { Email } from './accounts.ts';

/** Changing the account's e-mail address: a sensitive action (password, or a session proved in the last 15 min). */
export const EmailChangeRequest = z
  .object({
    newEmail: Email,
    password: z
      .string()
      .max(1024)
      .optional()
      .meta({ description: 'Needed unless this session proved itself in the last 15 minutes' }),
    signOutOtherSessions: z
      .boolean()
      .optional()
      .meta({ description: 'End every other session of the account (the default); false keeps them' }),
  })
  .meta({ id: 'EmailChangeRequest' });
export type EmailChangeRequest = z.input<typeof EmailChangeRequest>;

export const EmailChangeConfirmation = z
  .object({
    code: z.string().trim().min(6).max(20).meta({ description: 'The code e-mailed to the new address' }),
    newEmail: Email.optional().meta({
      description: 'When given, the pending change must be to this address',
    }),
  })
  .meta({ id: 'EmailChangeConfirmation' });
export type EmailChangeConfirmation = z.infer<typeof EmailChangeConfirmation>;

/**
 * `pending`: a code went to the new address (SMTP configured) and the change waits for it; `changed`: done, the
 * account now signs in with `email`.
 */
export const EmailChange = z
  .object({
    status: z.enum(['pending', 'changed']),
    email: z.string().meta({ description: 'The account’s address now (the old one while pending)' }),
    newEmail: z.string(),
    sentTo: z.string().nullable().meta({ description: 'Where the code went, partly hidden (pending only)' }),
    expiresAt: z.string().nullable().meta({ description: 'Until when the code works (pending only)' }),
    changedAt: z.string().nullable(),
    endedSessions: z.number().int(),
  })
  .meta({ id: 'EmailChange' });
export type EmailChange = z.infer<typeof EmailChange>;
