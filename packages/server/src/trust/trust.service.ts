import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import type { Db, Tx } from '../adapters/db/database.ts';
import type { AccountRow, DeviceRow, EnrolmentRow, SessionRow } from '../adapters/db/schema.ts';
import { parsePlace, requireTrusted, toDevice } from '../devices/devices.service.ts';
import type { DevicesStore } from '../devices/devices.store.ts';
import { AppError, notFound } from '../errors.ts';
import { iso, type Clock } from '../platform/clock.ts';
import type { EventBus } from '../platform/events.ts';
import { newId } from '../platform/ids.ts';
import type { Principal } from '../platform/principal.ts';
import type { EnrolmentsStore } from './enrolments.store.ts';
import { ENROLMENT_TTL_MS, type EnrolmentOutcomes } from './enrolment-outcomes.ts';
import { auditPlaceText, type AuditRecorder } from '../audit/audit.recorder.ts';

export interface TrustServiceDeps {
  db: Db;
  enrolments: EnrolmentsStore;
  devices: DevicesStore;
  events: EventBus;
  clock: Clock;
  audit: AuditRecorder;
  outcomes: EnrolmentOutcomes;
}

/** How long a password sign-in may stay unfinished before the owner hears that someone knows the password. */
export const HALF_FINISHED_MS = 3 * 60_000;

export function createTrustService(deps: TrustServiceDeps) {
  const { db, enrolments, devices, events, clock, audit, outcomes } = deps;
  const { fresh, end } = outcomes;
  const codeHash = (enrolmentId: string, code: string) =>
    createHash('sha256').update(`${enrolmentId}:${code}`).digest('hex');

  function describeRequest(e: EnrolmentRow, device: DeviceRow) {
    const described = toDevice(device, '');
    return {
      id: e.id,
      state: e.state,
      device: described,
      // A device has one waiting request at a time, opened by its latest sign-in: the flags on the device.
      riskFlags: described.riskFlags,
      ip: e.ip,
      place: parsePlace(e.place),
      requestedAt: iso(e.created_at),
      expiresAt: iso(e.expires_at),
      codeIssued: e.code_hash !== null,
    };
  }

  return {
    /** Opens an attempt inside the sign-in transaction; the returned function announces it after commit. */
    async open(
      trx: Tx,
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
        email_code_hash: null,
        email_code_expires_at: null,
        half_notice_at: null,
      };
      await enrolments.insert(trx, row);
      await audit.record(trx, {
        accountId: input.account.id,
        kind: 'enrolment.requested',
        body: {
          ip: input.ip,
          place: auditPlaceText(input.place),
          enrolmentId: row.id,
          deviceId: input.device.id,
          deviceName: input.device.name,
        },
      });
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
      await end(e, 'denied', { deviceId: actor.device.id, sessionId: actor.session.id, ip: actor.ip });
      return { enrolmentId: e.id, deviceId: e.device_id, state: 'denied' as const };
    },

    /** The waiting device types the code; five wrong codes (of any kind) end the attempt. */
    async complete(actor: Principal, code: string) {
      if (actor.device.status === 'trusted') return { state: 'approved' as const, deviceId: actor.device.id };
      const e = await outcomes.openAttempt(actor);
      if (!e.code_hash)
        throw new AppError(
          'conflict',
          'No code has been issued yet: choose "Allow" on one of your trusted devices first.',
        );
      const given = Buffer.from(codeHash(e.id, code.trim()));
      if (!timingSafeEqual(given, Buffer.from(e.code_hash)))
        return outcomes.wrongCode(e, actor, 'device-code');
      return outcomes.approve(e, {
        factor: 'trusted-device',
        byDeviceId: e.decided_by_device_id,
        ip: e.decided_ip,
      });
    },

    async status(actor: Principal) {
      const e = await fresh(await enrolments.latestFor(db, actor.device.id));
      return { deviceStatus: actor.device.status, enrolment: e ? describeRequest(e, actor.device) : null };
    },

    /**
     * A right password not followed within 3 minutes by approval: someone may know the password. Runs from
     * housekeeping; the claim on the row makes one instance send it, once, even across restarts.
     */
    async noticeHalfFinished(): Promise<number> {
      const now = clock.now();
      const rows = await enrolments.halfFinished(db, now - HALF_FINISHED_MS, now - 24 * 3600_000);
      let sent = 0;
      for (const e of rows) {
        if (!(await enrolments.claimHalfNotice(db, e.id, now))) continue;
        const device = await devices.findDevice(db, e.account_id, e.device_id);
        if (!device) continue;
        sent++;
        events.emit('account.message', {
          accountId: e.account_id,
          event: 'sign-in.half-finished',
          data: { ...describeRequest(e, device), deviceId: e.device_id },
        });
      }
      return sent;
    },

    async expireOverdue(): Promise<number> {
      const rows = await enrolments.expiredWaiting(db, clock.now());
      for (const e of rows) await end(e, 'expired', {});
      return rows.length;
    },
  };
}

export type TrustService = ReturnType<typeof createTrustService>;
