import {
  generateRegistrationOptions,
  verifyRegistrationResponse,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type {
  FactorChange,
  Passkey,
  PasskeyAdded,
  PasskeyRegistration,
  PasskeyRemoved,
  ReauthProof,
  WebAuthnOptions,
} from '@shoebox/shared';
import type { Db } from '../adapters/db/database.ts';
import { requireTrusted } from '../devices/devices.service.ts';
import type { RequireRecentAuth } from '../devices/recent-auth.ts';
import { AppError } from '../errors.ts';
import { iso, type Clock } from '../platform/clock.ts';
import type { EventBus } from '../platform/events.ts';
import { newId } from '../platform/ids.ts';
import type { Principal } from '../platform/principal.ts';
import { actorOf, type AuditRecorder } from '../audit/audit.recorder.ts';
import type { EndOtherSessions } from './other-sessions.ts';
import { toPasskey, type DeviceChallenges } from './passkey-ceremony.ts';
import type { PasskeyRow, PasskeysStore } from './passkeys.store.ts';
import { CHALLENGE_TTL_MS, flags, type RelyingParty } from './webauthn.ts';

export interface PasskeysServiceDeps {
  db: Db;
  store: PasskeysStore;
  requireRecentAuth: RequireRecentAuth;
  endOtherSessions: EndOtherSessions;
  challenges: DeviceChallenges;
  events: EventBus;
  clock: Clock;
  audit: AuditRecorder;
}

/** Adding, listing and removing passkeys from a trusted device. */
export function createPasskeysService(deps: PasskeysServiceDeps) {
  const { db, store, requireRecentAuth, endOtherSessions, challenges, events, clock, audit } = deps;

  /** Like every factor change: the password, or a session that proved itself in the last 15 minutes. */
  async function confirmIdentity(actor: Principal, proof: ReauthProof): Promise<void> {
    requireTrusted(actor);
    await requireRecentAuth(actor, proof);
  }

  function announce(actor: Principal, event: 'factor.added' | 'factor.removed', passkey: Passkey) {
    events.emit('account.message', {
      accountId: actor.account.id,
      event,
      data: {
        factor: 'passkey',
        passkey: { id: passkey.id, name: passkey.name },
        deviceId: actor.device.id,
        ip: actor.ip,
        device: { id: actor.device.id, name: actor.device.name },
      },
    });
  }

  return {
    async list(actor: Principal): Promise<Passkey[]> {
      requireTrusted(actor);
      return (await store.list(db, actor.account.id)).map(toPasskey);
    },

    /** Step one: options for `navigator.credentials.create`, after the proof of identity. */
    async registrationOptions(
      actor: Principal,
      proof: ReauthProof,
      rp: RelyingParty,
    ): Promise<WebAuthnOptions> {
      await confirmIdentity(actor, proof);
      const existing = await store.list(db, actor.account.id);
      const options = await generateRegistrationOptions({
        rpName: 'Shoebox',
        rpID: rp.id,
        userName: actor.account.email,
        userID: new TextEncoder().encode(actor.account.id),
        timeout: CHALLENGE_TTL_MS,
        attestationType: 'none',
        excludeCredentials: existing.map((p) => ({
          id: p.credential_id,
          transports: JSON.parse(p.transports) as string[],
        })),
        // Discoverable, so that a browser with no password can sign in with it.
        authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
      });
      await challenges.issue(actor, 'register', options.challenge);
      return options as unknown as WebAuthnOptions;
    },

    /**
     * Step two: the authenticator's answer, checked and stored. Its challenge came from step one on this device
     * within 5 minutes, after the proof, so the proof is not asked twice.
     */
    async register(actor: Principal, input: PasskeyRegistration, rp: RelyingParty): Promise<PasskeyAdded> {
      requireTrusted(actor);
      const challenge = await challenges.take(actor, input.credential, 'register');
      const result = await verifyRegistrationResponse({
        response: input.credential as unknown as RegistrationResponseJSON,
        expectedChallenge: challenge,
        expectedOrigin: rp.origins,
        expectedRPID: rp.id,
        requireUserVerification: false,
      }).catch((e: unknown) => {
        throw new AppError(
          'invalid_credentials',
          `The passkey could not be verified: ${(e as Error).message}`,
        );
      });
      if (!result.verified) throw new AppError('invalid_credentials', 'The passkey could not be verified.');
      const info = result.registrationInfo;
      if (await store.byCredentialId(db, info.credential.id))
        throw new AppError('conflict', 'This passkey is already registered.');
      const now = clock.now();
      const row: PasskeyRow = {
        id: newId(now),
        account_id: actor.account.id,
        credential_id: info.credential.id,
        public_key: Buffer.from(info.credential.publicKey).toString('base64url'),
        counter: info.credential.counter,
        transports: JSON.stringify(info.credential.transports ?? []),
        aaguid: info.aaguid,
        user_verified: info.userVerified ? 1 : 0,
        backup_eligible: info.credentialDeviceType === 'multiDevice' ? 1 : 0,
        backed_up: info.credentialBackedUp ? 1 : 0,
        name: input.name?.trim() || `Passkey ${iso(now).slice(0, 10)}`,
        created_at: now,
        created_by_device_id: actor.device.id,
        last_used_at: null,
      };
      const ended = await db.transaction().execute(async (trx) => {
        await store.insert(trx, row);
        const ended = await endOtherSessions(trx, actor, input.signOutOtherSessions);
        await audit.record(trx, {
          accountId: actor.account.id,
          kind: 'factor.added',
          body: { ...actorOf(actor), factor: 'passkey', factorId: row.id, ip: actor.ip, passkey: flags(row) },
        });
        return ended;
      });
      ended.announce();
      const passkey = toPasskey(row);
      announce(actor, 'factor.added', passkey);
      return { ...passkey, endedSessions: ended.count };
    },

    async remove(actor: Principal, id: string, input: FactorChange): Promise<PasskeyRemoved> {
      await confirmIdentity(actor, input);
      const row = await store.get(db, actor.account.id, id);
      if (!row) throw new AppError('not_found', 'No such passkey.');
      const ended = await db.transaction().execute(async (trx) => {
        if (!(await store.remove(trx, actor.account.id, id)))
          throw new AppError('not_found', 'No such passkey.');
        const ended = await endOtherSessions(trx, actor, input.signOutOtherSessions);
        await audit.record(trx, {
          accountId: actor.account.id,
          kind: 'factor.removed',
          body: { ...actorOf(actor), factor: 'passkey', factorId: id, ip: actor.ip },
        });
        return ended;
      });
      ended.announce();
      announce(actor, 'factor.removed', toPasskey(row));
      return { endedSessions: ended.count };
    },
  };
}

export type PasskeysService = ReturnType<typeof createPasskeysService>;
