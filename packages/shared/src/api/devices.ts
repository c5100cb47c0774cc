import { z } from 'zod';
import { Account } from './accounts.ts';
import { Email, Password } from './accounts.ts';
import { Place, shownName, shownText } from './common.ts';

export const DeviceStatus = z.enum(['trusted', 'pending', 'denied', 'removed']);
export type DeviceStatus = z.infer<typeof DeviceStatus>;

/** What a client says about itself. None of it is trusted for provenance, but it names the device to people. */
export const DeviceDescription = z
  .object({
    installationId: z.string().min(8).max(100),
    name: shownName(100),
    model: shownText(100).optional(),
    os: shownText(100).optional(),
    appVersion: shownText(50).optional(),
    serial: shownText(100).optional(),
  })
  .meta({ id: 'DeviceDescription' });
export type DeviceDescription = z.infer<typeof DeviceDescription>;

/** Risk signals of a sign-in: a country not among the last 10 sign-ins, faster than 805 km/h over more than 500 km,
 * another session used within the hour more than 500 km away, the first sign-in after 90 days without use, the
 * installation id of a trusted device given without its credential (the sign-in became a new device). */
export const RiskFlag = z
  .enum([
    'new-country',
    'impossible-travel',
    'concurrent-far-session',
    'dormant-account',
    'copied-installation-id',
  ])
  .meta({ id: 'RiskFlag' });
export type RiskFlag = z.infer<typeof RiskFlag>;

export const Device = z
  .object({
    id: z.string(),
    name: z.string(),
    model: z.string().nullable(),
    os: z.string().nullable(),
    appVersion: z.string().nullable(),
    serial: z.string().nullable(),
    status: DeviceStatus,
    firstSignInAt: z.string(),
    trustedAt: z.string().nullable(),
    lastSeenAt: z.string(),
    lastIp: z.string().nullable(),
    lastPlace: Place.nullable(),
    riskFlags: z.array(RiskFlag).meta({ description: 'Risk signals raised at its latest sign-in' }),
    current: z.boolean(),
  })
  .meta({ id: 'Device' });
export type Device = z.infer<typeof Device>;

/** What signs in: a browser (`web`: 30 days, 7 idle) or the CLI / a sync agent (`device`: 90 days idle, refreshed
 * while the device is trusted). Left out, a sign-in counts as `web`, the shorter. */
export const SessionClient = z.enum(['web', 'device']).meta({ id: 'SessionClient' });
export type SessionClient = z.infer<typeof SessionClient>;

/** The secret a device gets once when it becomes trusted; it proves the device when it signs in again. */
export const DeviceCredential = z.string().min(1).max(200).meta({
  id: 'DeviceCredential',
  description:
    'Secret given once to a device when it becomes trusted (and replaced at each trusted sign-in); keep it beside the installation id and never log it',
});

export const SignInRequest = z
  .object({
    email: Email,
    password: Password.or(z.string().min(1).max(1024)),
    device: DeviceDescription,
    client: SessionClient.optional(),
    deviceCredential: DeviceCredential.optional().meta({
      description:
        'The credential this installation was given; without it a device the account trusted asks for approval again',
    }),
  })
  .meta({ id: 'SignInRequest' });
export type SignInRequest = z.infer<typeof SignInRequest>;

export const Session = z
  .object({
    id: z.string(),
    createdAt: z.string(),
    expiresAt: z.string(),
    ip: z.string().nullable(),
    place: Place.nullable(),
    factors: z.array(z.string()),
    client: SessionClient,
    authenticatedAt: z.string().meta({
      description:
        'When this session last proved the password or a second factor; sensitive actions need it within 15 minutes',
    }),
  })
  .meta({ id: 'Session' });
export type Session = z.infer<typeof Session>;

export const SignInResponse = z
  .object({
    token: z.string(),
    account: Account,
    device: Device,
    session: Session,
    deviceCredential: DeviceCredential.optional().meta({
      description: 'Present when the device is trusted after this sign-in: the new credential to keep',
    }),
    installationId: DeviceDescription.shape.installationId.optional().meta({
      description:
        'Present when the server gave this device a new installation id (the one sent belongs to a trusted device ' +
        'and came without its credential): the client keeps it in place of its own from now on',
    }),
  })
  .meta({ id: 'SignInResponse' });
export type SignInResponse = z.infer<typeof SignInResponse>;

export const WhoAmI = z.object({ account: Account, device: Device, session: Session }).meta({ id: 'WhoAmI' });
export type WhoAmI = z.infer<typeof WhoAmI>;

export const DeviceList = z.object({ items: z.array(Device) }).meta({ id: 'DeviceList' });

/** A pending device let in (code, second factor, passkey): its credential comes with it, once. */
export const EnrolmentApproved = z
  .object({
    state: z.literal('approved'),
    deviceId: z.string(),
    deviceCredential: DeviceCredential.optional().meta({
      description: 'The credential to keep; absent when the device was already trusted before this call',
    }),
  })
  .meta({ id: 'EnrolmentApproved' });
export type EnrolmentApproved = z.infer<typeof EnrolmentApproved>;

export const DeviceCredentialIssued = z
  .object({ deviceCredential: DeviceCredential })
  .meta({ id: 'DeviceCredentialIssued' });
export type DeviceCredentialIssued = z.infer<typeof DeviceCredentialIssued>;
