import QRCode from 'qrcode';
import type {
  FactorChange,
  RecoveryCodes,
  SecurityStatus,
  TotpConfirmation,
  TotpConfirmed,
  TotpSetup,
} from '@shoebox/shared';
import type { Db, Tx } from '../adapters/db/database.ts';
import { requireTrusted } from '../devices/devices.service.ts';
import type { DevicesStore } from '../devices/devices.store.ts';
import type { ReauthProof, RequireRecentAuth } from '../devices/recent-auth.ts';
import { AppError } from '../errors.ts';
import { iso, type Clock } from '../platform/clock.ts';
import type { EventBus } from '../platform/events.ts';
import { newId } from '../platform/ids.ts';
import type { Principal } from '../platform/principal.ts';
import { actorOf, type AuditRecorder } from '../audit/audit.recorder.ts';
import type { FactorsStore } from './factors.store.ts';
import { createEndOtherSessions } from './other-sessions.ts';
import { RECOVERY_CODE_COUNT, newRecoveryCode, recoveryCodeHash } from './recovery-codes.ts';
import { matchTotp, newTotpSecret, otpauthUri } from './totp.ts';

export interface FactorsServiceDeps {
  db: Db;
  factors: FactorsStore;
  devices: DevicesStore;
  requireRecentAuth: RequireRecentAuth;
  events: EventBus;
  clock: Clock;
  audit: AuditRecorder;
  emailEnabled: boolean;
}

/**
 * Setting up and removing second factors from a trusted device. Each change needs the password or a session
 * proved in the last 15 minutes, and by default signs out every other session of the account.
 */
export function createFactorsService(deps: FactorsServiceDeps) {
  const { db, factors, devices, requireRecentAuth, events, clock, audit } = deps;
  const endOtherSessions = createEndOtherSessions({ devices, events, clock, audit });

  async function requireProof(actor: Principal, proof: ReauthProof): Promise<void> {
    requireTrusted(actor);
    await requireRecentAuth(actor, proof);
  }

  async function issueRecoveryCodes(trx: Tx, accountId: string): Promise<RecoveryCodes> {
    const now = clock.now();
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    await factors.replaceRecoveryCodes(
      trx,
      accountId,
      codes.map((code) => ({
        id: newId(now),
        account_id: accountId,
        code_hash: recoveryCodeHash(accountId, code),
        created_at: now,
        used_at: null,
        used_by_device_id: null,
      })),
    );
    return { codes, createdAt: iso(now) };
  }

  function announce(actor: Principal, event: string, factor: string) {
    events.emit('account.message', {
      accountId: actor.account.id,
      event,
      data: {
        factor,
        deviceId: actor.device.id,
        ip: actor.ip,
        device: { id: actor.device.id, name: actor.device.name },
      },
    });
  }

  return {
    async status(actor: Principal): Promise<SecurityStatus> {
      requireTrusted(actor);
      const totp = await factors.confirmedTotp(db, actor.account.id);
      return {
        totp: { enabled: Boolean(totp), since: totp ? iso(totp.confirmed_at) : null },
        recoveryCodes: { remaining: await factors.unusedRecoveryCodes(db, actor.account.id) },
        emailCodes: deps.emailEnabled,
        passwordChangeRequired: actor.account.password_change_required_at !== null,
      };
    },

    /** Step one: a new secret, shown once. It does nothing until a first code from the app confirms it. */
    async startTotp(actor: Principal, proof: ReauthProof): Promise<TotpSetup> {
      await requireProof(actor, proof);
      if (await factors.confirmedTotp(db, actor.account.id))
        throw new AppError('conflict', 'An authenticator app is already set up; remove it first.');
      const secret = newTotpSecret();
      const now = clock.now();
      await db.transaction().execute(async (trx) => {
        await factors.deleteUnconfirmedTotp(trx, actor.account.id);
        await factors.insertTotp(trx, {
          id: newId(now),
          account_id: actor.account.id,
          secret,
          created_at: now,
          confirmed_at: null,
          last_step: 0,
        });
      });
      const uri = otpauthUri(secret, actor.account.email);
      const qrSvg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
      return { secret, uri, qrSvg, digits: 6, period: 30 };
    },

    /** Step two: the first code proves the app holds the secret. The first factor also brings recovery codes. */
    async confirmTotp(actor: Principal, input: TotpConfirmation): Promise<TotpConfirmed> {
      requireTrusted(actor);
      const code = input.code;
      const pending = await factors.unconfirmedTotp(db, actor.account.id);
      if (!pending) throw new AppError('conflict', 'Start the authenticator set-up first.');
      const now = clock.now();
      const step = matchTotp(pending.secret, code, now, pending.last_step);
      if (step === null) throw new AppError('invalid_credentials', 'The code is not correct.');
      const { issued: recoveryCodes, ended } = await db.transaction().execute(async (trx) => {
        if (!(await factors.claimStep(trx, pending.id, step, now)))
          throw new AppError('invalid_credentials', 'This code has already been used.');
        const first = (await factors.unusedRecoveryCodes(trx, actor.account.id)) === 0;
        const issued = first ? await issueRecoveryCodes(trx, actor.account.id) : null;
        const ended = await endOtherSessions(trx, actor, input.signOutOtherSessions);
        await audit.record(trx, {
          accountId: actor.account.id,
          kind: 'factor.added',
          body: { ...actorOf(actor), factor: 'totp', factorId: pending.id, ip: actor.ip },
        });
        return { issued, ended };
      });
      ended.announce();
      announce(actor, 'factor.added', 'totp');
      return { enabled: true, recoveryCodes, endedSessions: ended.count };
    },

    async removeTotp(actor: Principal, input: FactorChange): Promise<void> {
      await requireProof(actor, input);
      const existing = await factors.confirmedTotp(db, actor.account.id);
      if (!existing) throw new AppError('not_found', 'No authenticator app is set up.');
      const ended = await db.transaction().execute(async (trx) => {
        await factors.deleteTotp(trx, actor.account.id);
        const ended = await endOtherSessions(trx, actor, input.signOutOtherSessions);
        await audit.record(trx, {
          accountId: actor.account.id,
          kind: 'factor.removed',
          body: { ...actorOf(actor), factor: 'totp', factorId: existing.id, ip: actor.ip },
        });
        return ended;
      });
      ended.announce();
      announce(actor, 'factor.removed', 'totp');
    },

    /** New recovery codes; the old ones stop working in the same transaction. */
    async regenerateRecoveryCodes(actor: Principal, input: FactorChange): Promise<RecoveryCodes> {
      await requireProof(actor, input);
      const { issued, ended } = await db.transaction().execute(async (trx) => {
        const issued = await issueRecoveryCodes(trx, actor.account.id);
        const ended = await endOtherSessions(trx, actor, input.signOutOtherSessions);
        await audit.record(trx, {
          accountId: actor.account.id,
          kind: 'factor.added',
          body: { ...actorOf(actor), factor: 'recovery-codes', factorId: null, ip: actor.ip },
        });
        return { issued, ended };
      });
      ended.announce();
      announce(actor, 'factor.added', 'recovery-codes');
      return { ...issued, endedSessions: ended.count };
    },
  };
}

export type FactorsService = ReturnType<typeof createFactorsService>;
