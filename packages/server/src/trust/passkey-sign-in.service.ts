import { generateAuthenticationOptions } from '@simplewebauthn/server';
import type { PasskeySignInRequest, SignInResponse, WebAuthnOptions } from '@shoebox/shared';
import { PasskeySignInRequest as PasskeySignInSchema } from '@shoebox/shared';
import type { Db } from '../adapters/db/database.ts';
import type { AccountRow } from '../adapters/db/schema.ts';
import type { AccountsStore } from '../accounts/accounts.store.ts';
import type { DevicesService } from '../devices/devices.service.ts';
import { AppError } from '../errors.ts';
import { iso, type Clock } from '../platform/clock.ts';
import type { EnrolmentOutcomes } from './enrolment-outcomes.ts';
import type { EnrolmentsStore } from './enrolments.store.ts';
import { checkAssertion } from './passkey-ceremony.ts';
import type { PasskeysStore } from './passkeys.store.ts';
import { CHALLENGE_TTL_MS, challengeOf, userHandleOf, type RelyingParty } from './webauthn.ts';

export interface PasskeySignInDeps {
  db: Db;
  store: PasskeysStore;
  accounts: AccountsStore;
  enrolments: EnrolmentsStore;
  outcomes: EnrolmentOutcomes;
  openSession: DevicesService['openSession'];
  clock: Clock;
}

const refused = () => new AppError('invalid_credentials', 'This passkey was not accepted.');

/**
 * Sign-in with a discoverable passkey: no e-mail, no password. On a device the account already trusts it is a
 * sign-in like any other. On a new device it opens the same pending device and enrolment request as a password
 * sign-in, and a user-verified passkey (PIN or biometrics: possession and knowledge or inherence) then approves it as
 * the second factor, recorded as `enrolment.approved` with factor `passkey` and announced to the owner. A passkey
 * without user verification leaves the device pending, to be approved like any other.
 */
export function createPasskeySignIn(deps: PasskeySignInDeps) {
  const { db, store, accounts, enrolments, outcomes, clock } = deps;
  return {
    async options(rp: RelyingParty): Promise<WebAuthnOptions> {
      const options = await generateAuthenticationOptions({
        rpID: rp.id,
        timeout: CHALLENGE_TTL_MS,
        userVerification: 'preferred',
      });
      const now = clock.now();
      await store.addChallenge(db, {
        challenge: options.challenge,
        purpose: 'sign-in',
        account_id: null,
        device_id: null,
        created_at: now,
        expires_at: now + CHALLENGE_TTL_MS,
      });
      return options as unknown as WebAuthnOptions;
    },

    async signIn(input: PasskeySignInRequest, ip: string | null, rp: RelyingParty): Promise<SignInResponse> {
      const { credential, device } = PasskeySignInSchema.parse(input);
      const challenge = await store.takeChallenge(db, challengeOf(credential), 'sign-in');
      if (!challenge || challenge.expires_at <= clock.now())
        throw new AppError(
          'invalid_credentials',
          'This passkey request has expired or was already used; start again.',
        );
      const row = await store.byCredentialId(db, credential.id);
      const handle = userHandleOf(credential);
      if (!row || (handle !== null && handle !== row.account_id)) throw refused();
      const account: AccountRow | undefined = await accounts.findById(db, row.account_id);
      const info = account ? await checkAssertion(credential, row, challenge.challenge, rp) : null;
      if (!account || !info) throw refused();
      const now = clock.now();
      const use = {
        counter: info.newCounter,
        at: now,
        backedUp: info.credentialBackedUp,
        userVerified: info.userVerified,
      };
      if (!(await store.recordUse(db, row.id, Number(row.counter), use))) throw refused();
      const response = await deps.openSession(account, { device, ip }, ['passkey']);
      if (response.device.status !== 'pending') return response;
      if (account.password_change_required_at !== null || !info.userVerified) return response;
      const e = await enrolments.waitingFor(db, response.device.id);
      if (!e) return response;
      await outcomes.approve(e, {
        factor: 'passkey',
        byDeviceId: null,
        ip,
        passkey: {
          userVerified: info.userVerified,
          backupEligible: info.credentialDeviceType === 'multiDevice',
          backedUp: info.credentialBackedUp,
        },
      });
      return { ...response, device: { ...response.device, status: 'trusted', trustedAt: iso(clock.now()) } };
    },
  };
}

export type PasskeySignIn = ReturnType<typeof createPasskeySignIn>;
