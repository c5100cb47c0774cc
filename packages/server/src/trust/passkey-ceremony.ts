import { verifyAuthenticationResponse, type AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { Passkey, WebAuthnCredential } from '@shoebox/shared';
import type { Db } from '../adapters/db/database.ts';
import { AppError } from '../errors.ts';
import { iso, type Clock } from '../platform/clock.ts';
import type { Principal } from '../platform/principal.ts';
import type { PasskeyRow, PasskeysStore } from './passkeys.store.ts';
import { CHALLENGE_TTL_MS, challengeOf, flags, type RelyingParty } from './webauthn.ts';

export const toPasskey = (r: PasskeyRow): Passkey => ({
  id: r.id,
  name: r.name,
  createdAt: iso(r.created_at),
  lastUsedAt: r.last_used_at === null ? null : iso(r.last_used_at),
  ...flags(r),
  transports: JSON.parse(r.transports) as string[],
});

/** Verifies an assertion against a stored passkey; any failure (signature, origin, counter going back) is null. */
export async function checkAssertion(
  credential: WebAuthnCredential,
  row: PasskeyRow,
  challenge: string,
  rp: RelyingParty,
) {
  try {
    const result = await verifyAuthenticationResponse({
      response: credential as unknown as AuthenticationResponseJSON,
      expectedChallenge: challenge,
      expectedOrigin: rp.origins,
      expectedRPID: rp.id,
      credential: {
        id: row.credential_id,
        publicKey: Buffer.from(row.public_key, 'base64url'),
        counter: Number(row.counter),
        transports: JSON.parse(row.transports) as never,
      },
      requireUserVerification: false,
    });
    return result.verified ? result.authenticationInfo : null;
  } catch {
    return null;
  }
}

/** Challenges of a signed-in device's ceremonies: bound to that device, 5 minutes, single use. */
export function createDeviceChallenges({ db, store, clock }: { db: Db; store: PasskeysStore; clock: Clock }) {
  async function issue(
    actor: Principal,
    purpose: 'register' | 'enrolment',
    challenge: string,
  ): Promise<void> {
    const now = clock.now();
    await store.addChallenge(db, {
      challenge,
      purpose,
      account_id: actor.account.id,
      device_id: actor.device.id,
      ip: actor.ip,
      created_at: now,
      expires_at: now + CHALLENGE_TTL_MS,
    });
  }

  /** The challenge of this device's ceremony, taken for good (single use), or an error. */
  async function take(actor: Principal, credential: WebAuthnCredential, purpose: 'register' | 'enrolment') {
    const row = await store.takeChallenge(db, challengeOf(credential), purpose);
    if (!row || row.device_id !== actor.device.id || row.expires_at <= clock.now())
      throw new AppError(
        'invalid_credentials',
        'This passkey request has expired or was already used; start again.',
      );
    return row.challenge;
  }

  return { issue, take };
}

export type DeviceChallenges = ReturnType<typeof createDeviceChallenges>;
