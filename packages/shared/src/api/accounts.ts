import { z } from 'zod';
import { shownName } from './common.ts';

export const AccountRole = z.enum(['admin', 'user', 'support']);
export const SignupPolicy = z.enum(['open', 'invite', 'closed']);
export type SignupPolicy = z.infer<typeof SignupPolicy>;

export const Account = z
  .object({
    id: z.string(),
    email: z.string(),
    displayName: z.string(),
    role: AccountRole,
    createdAt: z.string(),
    /** When an admin disabled the account (no sign-in, no session); absent or null while enabled. */
    disabledAt: z.string().nullable().optional(),
  })
  .meta({ id: 'Account' });
export type Account = z.infer<typeof Account>;

export const Email = z.email().max(254);
/** Length is checked here; the common-password list is checked by the server. */
export const Password = z.string().min(8).max(128);

export const CreateAccountRequest = z
  .object({
    email: Email,
    password: Password,
    displayName: shownName(100).optional(),
    role: AccountRole.optional(),
    /** Required when sign-up is invite-only. */
    inviteCode: z.string().max(100).optional(),
  })
  .meta({ id: 'CreateAccountRequest' });
export type CreateAccountRequest = z.infer<typeof CreateAccountRequest>;

export const ServerInfo = z
  .object({
    name: z.literal('shoebox'),
    version: z.string(),
    signupPolicy: SignupPolicy,
    /** False until the first (admin) account exists. */
    initialized: z.boolean(),
    /** Days a trashed photo is kept before it is deleted for good (TRASH_DAYS). */
    trashDays: z.number().int().optional(),
  })
  .meta({ id: 'ServerInfo' });
export type ServerInfo = z.infer<typeof ServerInfo>;

export const SignupPolicyUpdate = z.object({ signupPolicy: SignupPolicy }).meta({ id: 'SignupPolicyUpdate' });
