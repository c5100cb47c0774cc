import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import type { Db, Queryable } from '../adapters/db/database.ts';
import type { AccountRow, DeviceRow, EnrolmentRow, SessionRow } from '../adapters/db/schema.ts';
import { parsePlace, requireTrusted, toDevice } from '../devices/devices.service.ts';
import type { DevicesStore } from '../devices/devices.store.ts';
import { AppError, notFound } from '../errors.ts';
import { iso, type Clock } from '../platform/clock.ts';
import type { EventBus } from '../platform/events.ts';
import { newId } from '../platform/ids.ts';
import type { Principal } from '../platform/principal.ts';
import type { EnrolmentsStore } from './enrolments.store.ts';

export interface TrustServiceDeps {
  db: Db;
  enrolments: EnrolmentsStore;
  devices: DevicesStore;
  events: EventBus;
  clock: Clock;
}

/** A new device has 10 minutes to be let in, and 5 tries at the code. */
export const ENROLMENT_TTL_MS = 10 * 60_000;
export const MAX_CODE_ATTEMPTS = 5;

export function createTrustService({ db, enrolments, devices, events, clock }: TrustServiceDeps) {
  const codeHash = (enrolmentId: string, code: string) =>
    createHash('sha256').update(`${enrolmentId}:${code}`).digest('hex');

  function describeRequest(e: EnrolmentRow, device: DeviceRow) {
    return {
      id: e.id,
      state: e.state,
      device: toDevice(device, ''),
      ip: e.ip,
      place: parsePlace(e.place),
      requestedAt: iso(e.created_at),
      expiresAt: iso(e.expires_at),
      codeIssued: e.code_hash !== null,
    };
  }

  /** Ends an attempt for good: the device is refused, its sessions end, and the owner hears about it. */
  async function end(
    e: EnrolmentRow,
    state: 'denied' | 'expired' | 'failed',
    by: { deviceId?: string; ip?: string | null },
  ) {
    const now = clock.now();
    const revoked = await db.transaction().execute(async (trx) => {
      await enrolments.update(trx, e.id, {
        state,
        decided_at: now,
        decided_by_device_id: by.deviceId ?? null,
        decided_factor:
          state === 'denied' ? 'trusted-device' : state === 'expired' ? 'expiry' : 'too-many-attempts',
        decided_ip: by.ip ?? null,
      });
      await devices.setStatus(trx, e.device_id, 'denied', now);
      return devices.revokeDeviceSessions(trx, e.device_id, now, `enrolment-${state}`);
    });
    for (const sessionId of revoked) {
      events.emit('session.revoked', {
        sessionId,
        deviceId: e.device_id,
        accountId: e.account_id,
        reason: `enrolment-${state}`,
      });
    }
    events.emit('account.message', {
      accountId: e.account_id,
      event: `enrolment.${state}`,
      data: { enrolmentId: e.id, deviceId: e.device_id },
    });
  }

  /** Expired attempts are ended when someone looks at them (and by housekeeping). */
  async function fresh(e: EnrolmentRow | undefined): Promise<EnrolmentRow | undefined> {
    if (e?.state === 'waiting' && e.expires_at <= clock.now()) {
      await end(e, 'expired', {});
      return { ...e, state: 'expired' };
    }
    return e;
  }

  return {
    /** Opens an attempt inside the sign-in transaction; the returned function announces it after commit. */
    async open(
      trx: Queryable,
      input: {
        account: AccountRow;
        device: DeviceRow;
        session: SessionRow;
        ip: string | null;
        place: string | null;
      },
    ) {
      const now = clock.now();
      await enrolments.closeWaiting(trx, input.device.id, 'cancelled', now);
      const row: EnrolmentRow = {
        id: newId(now),
        account_id: input.account.id,
        device_id: input.device.id,
        session_id: input.session.id,
        state: 'waiting',
        created_at: now,
        expires_at: now + ENROLMENT_TTL_MS,
        ip: input.ip,
        place: input.place,
        code_hash: null,
        code_expires_at: null,
        failed_attempts: 0,
        decided_at: null,
        decided_by_device_id: null,
        decided_factor: null,
        decided_ip: null,
      };
      await enrolments.insert(trx, row);
      return () =>
        events.emit('account.message', {
          accountId: input.account.id,
          event: 'enrolment.requested',
          data: describeRequest(row, input.device),
        });
    },

    async listRequests(actor: Principal) {
      requireTrusted(actor);
      const rows = await enrolments.listWaiting(db, actor.account.id);
      const out = [];
      for (const row of rows) {
        const e = await fresh(row);
        const device = await devices.findDevice(db, actor.account.id, row.device_id);
        if (e?.state === 'waiting' && device) out.push(describeRequest(e, device));
      }
      return out;
    },

    /** "Allow" on a trusted device: issues the 6-digit code to type on the new device. */
    async allow(actor: Principal, enrolmentId: string) {
      requireTrusted(actor);
      const e = await fresh(await enrolments.find(db, actor.account.id, enrolmentId));
      if (!e) throw notFound('Sign-in request');
      if (e.state !== 'waiting')
        throw new AppError('conflict', `This sign-in request is already ${e.state}.`);
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      await enrolments.update(db, e.id, {
        code_hash: codeHash(e.id, code),
        code_expires_at: e.expires_at,
        decided_by_device_id: actor.device.id,
        decided_ip: actor.ip,
      });
      events.emit('device.message', {
        deviceId: e.device_id,
        event: 'enrolment.allowed',
        data: { enrolmentId: e.id },
      });
      return { enrolmentId: e.id, deviceId: e.device_id, code, expiresAt: iso(e.expires_at) };
    },

    async deny(actor: Principal, enrolmentId: string) {
      requireTrusted(actor);
      const e = await fresh(await enrolments.find(db, actor.account.id, enrolmentId));
      if (!e) throw notFound('Sign-in request');
      if (e.state !== 'waiting')
        throw new AppError('conflict', `This sign-in request is already ${e.state}.`);
      await end(e, 'denied', { deviceId: actor.device.id, ip: actor.ip });
      return { enrolmentId: e.id, deviceId: e.device_id, state: 'denied' as const };
    },

    /** The waiting device types the code; five wrong codes end the attempt. */
    async complete(actor: Principal, code: string) {
      if (actor.device.status === 'trusted') return { state: 'approved' as const, deviceId: actor.device.id };
      const e = await fresh(await enrolments.waitingFor(db, actor.device.id));
      if (!e || e.state !== 'waiting')
        throw new AppError(
          'device_not_trusted',
          'This sign-in attempt has ended; sign in again to ask for approval.',
        );
      if (!e.code_hash)
        throw new AppError(
          'conflict',
          'No code has been issued yet: choose "Allow" on one of your trusted devices first.',
        );
      const given = Buffer.from(codeHash(e.id, code.trim()));
      if (!timingSafeEqual(given, Buffer.from(e.code_hash))) {
        const attempts = e.failed_attempts + 1;
        await enrolments.update(db, e.id, { failed_attempts: attempts });
        events.emit('account.message', {
          accountId: e.account_id,
          event: 'enrolment.wrong-code',
          data: { enrolmentId: e.id, attempts },
        });
        if (attempts >= MAX_CODE_ATTEMPTS) {
          await end(e, 'failed', { ip: actor.ip });
          throw new AppError('invalid_credentials', 'Too many wrong codes: this sign-in attempt has ended.');
        }
        throw new AppError(
          'invalid_credentials',
          `The code is not correct (${MAX_CODE_ATTEMPTS - attempts} tries left).`,
        );
      }
      const now = clock.now();
      await db.transaction().execute(async (trx) => {
        await enrolments.update(trx, e.id, {
          state: 'approved',
          decided_at: now,
          decided_factor: 'trusted-device',
        });
        await devices.updateDevice(trx, e.device_id, {
          status: 'trusted',
          trusted_at: now,
          trust_reason: JSON.stringify({
            kind: 'trusted-device',
            byDeviceId: e.decided_by_device_id,
            enrolmentId: e.id,
          }),
        });
      });
      events.emit('account.message', {
        accountId: e.account_id,
        event: 'enrolment.approved',
        data: { enrolmentId: e.id, deviceId: e.device_id },
      });
      return { state: 'approved' as const, deviceId: e.device_id };
    },

    async status(actor: Principal) {
      const e = await fresh(await enrolments.latestFor(db, actor.device.id));
      return { deviceStatus: actor.device.status, enrolment: e ? describeRequest(e, actor.device) : null };
    },

    async expireOverdue(): Promise<number> {
      const rows = await enrolments.expiredWaiting(db, clock.now());
      for (const e of rows) await end(e, 'expired', {});
      return rows.length;
    },
  };
}

export type TrustService = ReturnType<typeof createTrustService>;
