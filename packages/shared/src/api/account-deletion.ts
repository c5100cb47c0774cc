import { z } from 'zod';

const password = z
  .string()
  .max(1024)
  .optional()
  .meta({ description: 'Needed unless this session proved itself in the last 15 minutes' });

/** Deleting one's own account: the password, or a recent session and the account's e-mail typed out. */
export const AccountDeletionRequest = z
  .object({
    password,
    confirmEmail: z.string().trim().max(254).optional().meta({
      description: 'The account’s e-mail address, typed by its owner (needed when no password is given)',
    }),
  })
  .meta({ id: 'AccountDeletionRequest' });
export type AccountDeletionRequest = z.infer<typeof AccountDeletionRequest>;

/** An admin deleting another account: always with a stated reason, recorded on the admin's audit log. */
export const AdminAccountDeletionRequest = z
  .object({
    reason: z
      .string()
      .trim()
      .min(1)
      .max(500)
      .meta({ description: 'Why (recorded in the admin’s audit log)' }),
    password,
  })
  .meta({ id: 'AdminAccountDeletionRequest' });
export type AdminAccountDeletionRequest = z.infer<typeof AdminAccountDeletionRequest>;

/** The deletion is under way: sessions ended at once, the rest is erased by a background job. */
export const AccountDeletion = z
  .object({
    accountId: z.string(),
    state: z.enum(['scheduled']),
    requestedAt: z.string(),
  })
  .meta({ id: 'AccountDeletion' });
export type AccountDeletion = z.infer<typeof AccountDeletion>;
