import { z } from 'zod';
import { FleetImportKind } from './fleet.ts';

/** An invitation to sign up; `id` names it for revoking (the code itself is shown once, when it is made). */
export const Invite = z
  .object({
    id: z.string(),
    email: z.string(),
    expiresAt: z.string(),
    /** null for invites made before the server recorded it. */
    createdAt: z.string().nullable(),
    createdBy: z.string().nullable(),
    expired: z.boolean(),
  })
  .meta({ id: 'Invite' });
export type Invite = z.infer<typeof Invite>;

export const InviteList = z.object({ items: z.array(Invite) }).meta({ id: 'InviteList' });
export type InviteList = z.infer<typeof InviteList>;

export const AccountLookupQuery = z.object({
  email: z.string().trim().min(3).max(254),
  reason: z
    .string()
    .max(500)
    .optional()
    .meta({ description: 'Why staff look this account up (required; recorded in its audit log)' }),
});

/** One committed fleet import, as admins review them. */
export const FleetImportRecord = z
  .object({
    id: z.string(),
    kind: FleetImportKind,
    fileName: z.string().nullable(),
    sha256: z.string(),
    rows: z.number().int(),
    imported: z.number().int(),
    /** Rows already on record (from this or an earlier file), not stored twice. */
    duplicates: z.number().int(),
    importedAt: z.string(),
    importedBy: z.object({ id: z.string(), email: z.string().nullable() }),
  })
  .meta({ id: 'FleetImportRecord' });
export type FleetImportRecord = z.infer<typeof FleetImportRecord>;

export const FleetImportList = z
  .object({ items: z.array(FleetImportRecord) })
  .meta({ id: 'FleetImportList' });
export type FleetImportList = z.infer<typeof FleetImportList>;

/** One look by operator staff at an account's records, as its audit entry says. */
export const StaffLook = z
  .object({
    seq: z.number().int(),
    at: z.string(),
    staff: z.object({ id: z.string(), email: z.string().nullable() }),
    /** null: the look concerned no account (e.g. a serial no account has). */
    account: z.object({ id: z.string(), email: z.string().nullable() }).nullable(),
    reason: z.string(),
    scope: z.string(),
    ip: z.string().nullable(),
  })
  .meta({ id: 'StaffLook' });
export type StaffLook = z.infer<typeof StaffLook>;

export const StaffLookPage = z
  .object({
    items: z.array(StaffLook),
    /** Pass as `before` for older looks; null when there are none. */
    nextBefore: z.number().int().nullable(),
  })
  .meta({ id: 'StaffLookPage' });
export type StaffLookPage = z.infer<typeof StaffLookPage>;
