import { generateAuthenticationOptions } from '@simplewebauthn/server';
import type { EnrolmentWays, WebAuthnCredential, WebAuthnOptions } from '@shoebox/shared';
import type { Db } from '../adapters/db/database.ts';
import { AppError } from '../errors.ts';
import type { Clock } from '../platform/clock.ts';
import type { Principal } from '../platform/principal.ts';
import type { EnrolmentOutcomes } from './enrolment-outcomes.ts';
import type { FactorsStore } from './factors.store.ts';
import { checkAssertion, type DeviceChallenges } from './passkey-ceremony.ts';
import type { PasskeyFailures } from './passkey-failures.ts';
import type { PasskeysStore } from './passkeys.store.ts';
import { CHALLENGE_TTL_MS, type RelyingParty } from './webauthn.ts';

export interface PasskeyEnrolmentDeps {
  db: Db;
  store: PasskeysStore;
  challenges: DeviceChallenges;
  outcomes: EnrolmentOutcomes;
  failures: PasskeyFailures;
  factors: FactorsStore;
  clock: Clock;
  /** Whether the server can e-mail sign-in codes (SMTP configured). */
  emailEnabled: boolean;
}

/** A pending device letting itself in with a passkey of the account (a second factor, like a TOTP code). */
export function createPasskeyEnrolment(deps: PasskeyEnrolmentDeps) {
  const { db, store, challenges, outcomes, clock } = deps;
  return {
    /** The ways a pending device can let itself in, so that its screen offers only those that can work. */
    async waysIn(actor: Principal): Promise<EnrolmentWays> {
      const accountId = actor.account.id;
      return {
        trustedDevice: true,
        totp: Boolean(await deps.factors.confirmedTotp(db, accountId)),
        passkey: (await store.list(db, accountId)).length > 0,
        emailCode: deps.emailEnabled,
        recoveryCode: (await deps.factors.unusedRecoveryCodes(db, accountId)) > 0,
      };
    },

    /** A pending device: options for `navigator.credentials.get`, limited to the account's passkeys. */
    async enrolmentOptions(actor: Principal, rp: RelyingParty): Promise<WebAuthnOptions> {
      await outcomes.openAttempt(actor);
      const mine = await store.list(db, actor.account.id);
      if (mine.length === 0) throw new AppError('conflict', 'This account has no passkey.');
      const options = await generateAuthenticationOptions({
        rpID: rp.id,
        timeout: CHALLENGE_TTL_MS,
        userVerification: 'preferred',
        allowCredentials: mine.map((p) => ({
          id: p.credential_id,
          transports: JSON.parse(p.transports) as never,
        })),
      });
      await challenges.issue(actor, 'enrolment', options.challenge);
      return options as unknown as WebAuthnOptions;
    },

    /** A pending device lets itself in with a passkey of the account; a failed one counts as a wrong code. */
    async enrolmentVerify(actor: Principal, credential: WebAuthnCredential, rp: RelyingParty) {
      if (actor.device.status === 'trusted') return { state: 'approved' as const, deviceId: actor.device.id };
      const e = await outcomes.openAttempt(actor);
      // Refusals also count in the sign-in limits (per IP and account), like wrong passwords.
      await deps.failures.guard(actor.account, actor.ip, false);
      const challenge = await challenges.take(actor, credential, 'enrolment');
      const row = await store.byCredentialId(db, credential.id);
      const info =
        row && row.account_id === e.account_id ? await checkAssertion(credential, row, challenge, rp) : null;
      if (!row || !info) {
        const failed = { account: actor.account, ip: actor.ip, deviceId: actor.device.id };
        // wrongCode records the `sign-in.failed` entry itself.
        await deps.failures.fail({ ...failed, reason: 'wrong-code', audited: false });
        return outcomes.wrongCode(e, actor, 'passkey');
      }
      const now = clock.now();
      const use = {
        counter: info.newCounter,
        at: now,
        backedUp: info.credentialBackedUp,
        userVerified: info.userVerified,
      };
      return outcomes.approve(
        e,
        {
          factor: 'passkey',
          byDeviceId: null,
          ip: actor.ip,
          passkey: {
            userVerified: info.userVerified,
            backupEligible: info.credentialDeviceType === 'multiDevice',
            backedUp: info.credentialBackedUp,
          },
        },
        { claim: (trx) => store.recordUse(trx, row.id, Number(row.counter), use) },
      );
    },
  };
}

export type PasskeyEnrolment = ReturnType<typeof createPasskeyEnrolment>;
