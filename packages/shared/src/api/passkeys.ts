import { z } from 'zod';
import { shownName } from './common.ts';
import { DeviceCredential, DeviceDescription } from './devices.ts';

/** WebAuthn options as `navigator.credentials.create/get` want them (JSON form, base64url buffers). */
export const WebAuthnOptions = z.record(z.string(), z.unknown()).meta({
  id: 'WebAuthnOptions',
  description: 'PublicKeyCredentialCreationOptionsJSON or RequestOptionsJSON',
});
export type WebAuthnOptions = z.infer<typeof WebAuthnOptions>;

/** A credential as the browser returns it, in JSON form (RegistrationResponseJSON or AuthenticationResponseJSON). */
export const WebAuthnCredential = z
  .looseObject({
    id: z.string().min(1).max(1400),
    rawId: z.string().min(1).max(1400),
    type: z.literal('public-key'),
    response: z.record(z.string(), z.unknown()),
    clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
    authenticatorAttachment: z.string().optional(),
  })
  .meta({ id: 'WebAuthnCredential' });
export type WebAuthnCredential = z.input<typeof WebAuthnCredential>;

export const PasskeyRegistration = z
  .object({
    name: shownName(100).optional(),
    credential: WebAuthnCredential,
    signOutOtherSessions: z
      .boolean()
      .optional()
      .meta({ description: 'End every other session of the account (the default); false keeps them' }),
  })
  .meta({ id: 'PasskeyRegistration' });
export type PasskeyRegistration = z.input<typeof PasskeyRegistration>;

export const Passkey = z
  .object({
    id: z.string(),
    name: z.string(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    userVerified: z
      .boolean()
      .meta({ description: 'The authenticator verified the person (PIN, biometrics)' }),
    backupEligible: z.boolean().meta({ description: 'The passkey may be synced (multi-device)' }),
    backedUp: z.boolean(),
    transports: z.array(z.string()),
  })
  .meta({ id: 'Passkey' });
export type Passkey = z.infer<typeof Passkey>;

const endedSessions = z.number().int().meta({ description: 'Other sessions signed out by this change' });

export const PasskeyAdded = Passkey.extend({ endedSessions }).meta({ id: 'PasskeyAdded' });
export type PasskeyAdded = z.infer<typeof PasskeyAdded>;

export const PasskeyRemoved = z.object({ endedSessions }).meta({ id: 'PasskeyRemoved' });
export type PasskeyRemoved = z.infer<typeof PasskeyRemoved>;

export const PasskeyList = z.object({ items: z.array(Passkey) }).meta({ id: 'PasskeyList' });
export type PasskeyList = z.infer<typeof PasskeyList>;

export const PasskeyAssertion = z.object({ credential: WebAuthnCredential }).meta({ id: 'PasskeyAssertion' });
export type PasskeyAssertion = z.input<typeof PasskeyAssertion>;

/** Passkey sign-in: no e-mail, no password; the device describes itself as in a password sign-in. */
export const PasskeySignInRequest = z
  .object({
    credential: WebAuthnCredential,
    device: DeviceDescription,
    deviceCredential: DeviceCredential.optional(),
  })
  .meta({ id: 'PasskeySignInRequest' });
export type PasskeySignInRequest = z.input<typeof PasskeySignInRequest>;

/** Which ways can let a pending device in for this account (the waiting screen offers only these). */
export const EnrolmentWays = z
  .object({
    trustedDevice: z.boolean(),
    totp: z.boolean(),
    passkey: z.boolean(),
    emailCode: z.boolean().meta({ description: 'The server can e-mail a code (SMTP is configured)' }),
    recoveryCode: z.boolean(),
  })
  .meta({ id: 'EnrolmentWays' });
export type EnrolmentWays = z.infer<typeof EnrolmentWays>;
