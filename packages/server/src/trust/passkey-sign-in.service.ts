import { generateAuthenticationOptions } from '@simplewebauthn/server';
import type { PasskeySignInRequest, SignInResponse, WebAuthnOptions } from '@shoebox/shared';
import { PasskeySignInRequest as PasskeySignInSchema } from '@shoebox/shared';
import type { Db } from '../adapters/db/database.ts';
import type { AccountRow } from '../adapters/db/schema.ts';
import type { AccountsStore } from '../accounts/accounts.store.ts';
import type { DevicesService } from '../devices/devices.service.ts';
import type { DevicesStore } from '../devices/devices.store.ts';
import { AppError } from '../errors.ts';
import { iso, type Clock } from '../platform/clock.ts';
import type { EnrolmentOutcomes } from './enrolment-outcomes.ts';
import type { EnrolmentsStore } from './enrolments.store.ts';
import { provesDevice } from '../devices/device-credential.ts';
import { checkAssertion } from './passkey-ceremony.ts';
import type { PasskeyFailures } from './passkey-failures.ts';
import type { PasskeysStore } from './passkeys.store.ts';
import { CHALLENGE_TTL_MS, challengeOf, userHandleOf, type RelyingParty } from './webauthn.ts';

export interface PasskeySignInDeps {
  db: Db;
  store: PasskeysStore;
  accounts: AccountsStore;
  devices: DevicesStore;
  enrolments: EnrolmentsStore;
  outcomes: EnrolmentOutcomes;
  failures: PasskeyFailures;
  openSession: DevicesService['openSession'];
  clock: Clock;
}

/** Unanswered sign-in challenges one address may hold (each lives 5 minutes), so the table cannot be flooded. */
export const MAX_OUTSTANDING_CHALLENGES_PER_IP = 10;

const refused = () => new AppError('invalid_credentials', 'This passkey was not accepted.');
const expired = () =>
  new AppError('invalid_credentials', 'This passkey request has expired or was already used; start again.');

/**
 * Sign-in with a discoverable passkey: no e-mail, no password. On a device the account already trusts it is a
 * sign-in like any other. On a new device it opens the same pending device and enrolment request as a password
 * sign-in, and a user-verified passkey (PIN or biometrics: possession and knowledge or inherence) then approves it as
 * the second factor, recorded as `enrolment.approved` with factor `passkey` and announced to the owner. A passkey
 * without user verification leaves the device pending, to be approved like any other. Refusals count in the
 * sign-in limits like wrong passwords (passkey-failures.ts).
 */
export function createPasskeySignIn(deps: PasskeySignInDeps) {
  const { db, store, accounts, devices, enrolments, outcomes, failures, clock } = deps;
  return {
    async options(rp: RelyingParty, ip: string | null): Promise<WebAuthnOptions> {
      const source = ip ?? 'unknown';
      await failures.guard(undefined, ip, false);
      const now = clock.now();
      const held = await store.outstanding(db, 'sign-in', source, now);
      if (held.count >= MAX_OUTSTANDING_CHALLENGES_PER_IP) {
        const seconds = Math.max(1, Math.ceil((held.firstExpiry - now) / 1000));
        throw new AppError('rate_limited', `Too many passkey sign-ins started; try again in ${seconds} s.`, {
          retryAfterSeconds: seconds,
        });
      }
      const options = await generateAuthenticationOptions({
        rpID: rp.id,
        timeout: CHALLENGE_TTL_MS,
        userVerification: 'preferred',
      });
      await store.addChallenge(db, {
        challenge: options.challenge,
        purpose: 'sign-in',
        account_id: null,
        device_id: null,
        ip: source,
        created_at: now,
        expires_at: now + CHALLENGE_TTL_MS,
      });
      return options as unknown as WebAuthnOptions;
    },

    async signIn(input: PasskeySignInRequest, ip: string | null, rp: RelyingParty): Promise<SignInResponse> {
      const { credential, device, deviceCredential } = PasskeySignInSchema.parse(input);
      const signed = challengeOf(credential);
      const row = await store.byCredentialId(db, credential.id);
      const handle = userHandleOf(credential);
      const owned = row && (handle === null || handle === row.account_id);
      const account: AccountRow | undefined = owned ? await accounts.findById(db, row.account_id) : undefined;
      const known = account && (await devices.findByInstallation(db, account.id, device.installationId));
      // Checked before the passkey: a good passkey from a blocked source is refused all the same.
      await failures.guard(account, ip, provesDevice(known, deviceCredential));
      const fail = async (reason: string, error: AppError): Promise<never> => {
        await failures.fail({ account, ip, deviceId: known ? known.id : null, reason });
        throw error;
      };
      const challenge = await store.takeChallenge(db, signed, 'sign-in');
      if (!challenge || challenge.expires_at <= clock.now()) return fail('expired-challenge', expired());
      if (!row || !account) return fail('unknown-passkey', refused());
      const info = await checkAssertion(credential, row, challenge.challenge, rp);
      if (!info) return fail('passkey-refused', refused());
      const now = clock.now();
      const use = {
        counter: info.newCounter,
        at: now,
        backedUp: info.credentialBackedUp,
        userVerified: info.userVerified,
      };
      if (!(await store.recordUse(db, row.id, Number(row.counter), use)))
        return fail('passkey-replayed', refused());
      await failures.succeed(account);
      const response = await deps.openSession(account, { device, ip, deviceCredential }, ['passkey']);
      if (response.device.status !== 'pending') return response;
      if (account.password_change_required_at !== null || !info.userVerified) return response;
      const e = await enrolments.waitingFor(db, response.device.id);
      if (!e) return response;
      const approved = await outcomes.approve(e, {
        factor: 'passkey',
        byDeviceId: null,
        ip,
        passkey: {
          userVerified: info.userVerified,
          backupEligible: info.credentialDeviceType === 'multiDevice',
          backedUp: info.credentialBackedUp,
        },
      });
      return {
        ...response,
        device: { ...response.device, status: 'trusted', trustedAt: iso(clock.now()) },
        deviceCredential: approved.deviceCredential,
      };
    },
  };
}

export type PasskeySignIn = ReturnType<typeof createPasskeySignIn>;
