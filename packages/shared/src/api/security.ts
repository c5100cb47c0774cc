import { z } from 'zod';
import { Password } from './accounts.ts';
import { Id, Place } from './common.ts';
import { RiskFlag } from './devices.ts';

/** Sensitive changes re-ask for the password, so a borrowed unlocked device cannot make them. */
export const PasswordConfirmation = z
  .object({ password: z.string().min(1).max(1024) })
  .meta({ id: 'PasswordConfirmation' });
export type PasswordConfirmation = z.infer<typeof PasswordConfirmation>;

// Optional rather than defaulted, so generated clients need not send it; left out, it counts as true.
const signOutOtherSessions = z
  .boolean()
  .optional()
  .meta({ description: 'End every other session of the account (the default); false keeps them' });

/**
 * A sensitive action's proof: the password, or nothing when this session signed in or re-authenticated within
 * the last 15 minutes (otherwise `403 reauth-required`).
 */
export const ReauthProof = z
  .object({
    password: z
      .string()
      .max(1024)
      .optional()
      .meta({ description: 'Needed unless this session proved itself in the last 15 minutes' }),
  })
  .meta({ id: 'ReauthProof' });
export type ReauthProof = z.input<typeof ReauthProof>;

/** A change of second factor: the proof, and whether to sign out every other session. */
export const FactorChange = ReauthProof.extend({ signOutOtherSessions }).meta({ id: 'FactorChange' });
export type FactorChange = z.input<typeof FactorChange>;

export const TotpConfirmation = z
  .object({ code: z.string().trim().min(6).max(40), signOutOtherSessions })
  .meta({ id: 'TotpConfirmation' });
export type TotpConfirmation = z.input<typeof TotpConfirmation>;

/** Re-authentication of this session: its password, or a code of its authenticator app. */
export const ReauthRequest = z
  .object({
    password: z.string().min(1).max(1024).optional(),
    code: z.string().trim().min(6).max(10).optional().meta({ description: 'A TOTP code' }),
  })
  .refine((r) => (r.password === undefined) !== (r.code === undefined), {
    message: 'Give either the password or an authenticator code.',
  })
  .meta({ id: 'ReauthRequest' });
export type ReauthRequest = z.infer<typeof ReauthRequest>;

export const Reauthenticated = z
  .object({
    authenticatedAt: z.string(),
    freshUntil: z.string().meta({ description: 'Sensitive actions need no password until then' }),
  })
  .meta({ id: 'Reauthenticated' });
export type Reauthenticated = z.infer<typeof Reauthenticated>;

/** Shown once: the app reads `uri` as a QR code, or the person types `secret`. */
export const TotpSetup = z
  .object({
    secret: z.string(),
    uri: z.string(),
    qrSvg: z.string().meta({ description: 'The otpauth URI as a QR code (SVG document)' }),
    digits: z.literal(6),
    period: z.literal(30),
  })
  .meta({ id: 'TotpSetup' });
export type TotpSetup = z.infer<typeof TotpSetup>;

export const OneTimeCode = z.object({ code: z.string().trim().min(6).max(40) }).meta({ id: 'OneTimeCode' });
export type OneTimeCode = z.infer<typeof OneTimeCode>;

export const RecoveryCodes = z
  .object({
    codes: z.array(z.string()),
    createdAt: z.string(),
    endedSessions: z
      .number()
      .int()
      .optional()
      .meta({ description: 'Other sessions signed out by this change (when regenerated)' }),
  })
  .meta({ id: 'RecoveryCodes', description: 'Shown once; only their hashes are kept.' });
export type RecoveryCodes = z.infer<typeof RecoveryCodes>;

export const TotpConfirmed = z
  .object({
    enabled: z.literal(true),
    recoveryCodes: RecoveryCodes.nullable(),
    endedSessions: z.number().int().meta({ description: 'Other sessions signed out by this change' }),
  })
  .meta({ id: 'TotpConfirmed' });
export type TotpConfirmed = z.infer<typeof TotpConfirmed>;

export const SecurityStatus = z
  .object({
    totp: z.object({ enabled: z.boolean(), since: z.string().nullable() }),
    recoveryCodes: z.object({ remaining: z.number().int() }),
    emailCodes: z.boolean().meta({ description: 'Whether this server can e-mail sign-in codes' }),
    passwordChangeRequired: z.boolean(),
  })
  .meta({ id: 'SecurityStatus' });
export type SecurityStatus = z.infer<typeof SecurityStatus>;

export const EnrolmentFactor = z.enum(['totp', 'recovery-code', 'email-code']);
export type EnrolmentFactor = z.infer<typeof EnrolmentFactor>;

export const EnrolmentVerifyRequest = z
  .object({ method: EnrolmentFactor, code: z.string().trim().min(6).max(40) })
  .meta({ id: 'EnrolmentVerifyRequest' });
export type EnrolmentVerifyRequest = z.infer<typeof EnrolmentVerifyRequest>;

export const EmailCodeSent = z
  .object({ sentTo: z.string(), expiresAt: z.string() })
  .meta({ id: 'EmailCodeSent', description: 'sentTo is masked (m…@example.com)' });
export type EmailCodeSent = z.infer<typeof EmailCodeSent>;

/** "This wasn't me" from a trusted device, about the device a notice or activity entry names. */
export const NotMeRequest = z.object({ deviceId: Id }).meta({ id: 'NotMeRequest' });
export type NotMeRequest = z.infer<typeof NotMeRequest>;

/** "This wasn't me" from the link of a notice e-mail: the single-use token is the authority. */
export const NotMeLinkRequest = z
  .object({ token: z.string().min(20).max(200) })
  .meta({ id: 'NotMeLinkRequest' });
export type NotMeLinkRequest = z.infer<typeof NotMeLinkRequest>;

export const NotMeResult = z
  .object({
    removedDeviceId: z.string().nullable(),
    endedSessions: z.number().int(),
    passwordChangeRequired: z.literal(true),
  })
  .meta({ id: 'NotMeResult' });
export type NotMeResult = z.infer<typeof NotMeResult>;

export const PasswordChangeRequest = z
  .object({
    currentPassword: z.string().max(1024).optional().meta({
      description:
        'Required unless this session signed in or re-authenticated in the last 15 minutes, or "This wasn\'t me" asked for a new password',
    }),
    newPassword: Password,
    signOutOtherSessions: z.boolean().default(true),
  })
  .meta({ id: 'PasswordChangeRequest' });
export type PasswordChangeRequest = z.input<typeof PasswordChangeRequest>;

export const PasswordChanged = z
  .object({ changedAt: z.string(), endedSessions: z.number().int() })
  .meta({ id: 'PasswordChanged' });
export type PasswordChanged = z.infer<typeof PasswordChanged>;

export const ActivityDevice = z.object({
  id: z.string(),
  name: z.string(),
  model: z.string().nullable(),
  os: z.string().nullable(),
});

/** One security event of the account, read from its audit-log entries. */
export const ActivityItem = z
  .object({
    id: z.string().meta({ description: 'The audit-log sequence number' }),
    at: z.string(),
    kind: z.string(),
    result: z.enum(['success', 'failure']).nullable(),
    device: ActivityDevice.nullable().meta({ description: 'The device the entry is about' }),
    byDeviceId: z.string().nullable().meta({ description: 'The device that did it, when another one' }),
    byDevice: ActivityDevice.nullable().meta({
      description: 'The device that did it, when another one of the account’s: what “This wasn’t me” acts on',
    }),
    ip: z.string().nullable(),
    place: Place.nullable(),
    factors: z.array(z.string()),
    riskFlags: z.array(RiskFlag).meta({ description: 'Risk signals a sign-in raised' }),
    detail: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'ActivityItem' });
export type ActivityItem = z.infer<typeof ActivityItem>;

export const ActivityPage = z
  .object({ items: z.array(ActivityItem), nextCursor: z.string().nullable() })
  .meta({ id: 'ActivityPage' });
export type ActivityPage = z.infer<typeof ActivityPage>;
