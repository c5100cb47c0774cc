import type { Db, Tx } from '../adapters/db/database.ts';
import type { EnrolmentRow } from '../adapters/db/schema.ts';
import { parsePlace, toDevice } from '../devices/devices.service.ts';
import type { DevicesStore } from '../devices/devices.store.ts';
import { AppError } from '../errors.ts';
import { iso, type Clock } from '../platform/clock.ts';
import type { EventBus } from '../platform/events.ts';
import type { Principal } from '../platform/principal.ts';
import { auditPlaceText, endedSessionEntries, type AuditRecorder } from '../audit/audit.recorder.ts';
import type { PasskeyFlags } from '../audit/audit.kinds.ts';
import type { EnrolmentsStore } from './enrolments.store.ts';
import { issueCredential } from '../devices/device-credential.ts';

/** A new device has 10 minutes to be let in, and 5 tries at a code (whichever kind of code). */
export const ENROLMENT_TTL_MS = 10 * 60_000;
export const MAX_CODE_ATTEMPTS = 5;

export interface EnrolmentOutcomesDeps {
  db: Db;
  enrolments: EnrolmentsStore;
  devices: DevicesStore;
  events: EventBus;
  clock: Clock;
  audit: AuditRecorder;
}

/** How an enrolment attempt ends, whichever factor decided it: shared by device codes and second factors. */
export function createEnrolmentOutcomes({
  db,
  enrolments,
  devices,
  events,
  clock,
  audit,
}: EnrolmentOutcomesDeps) {
  /**
   * What the owner is told about an attempt that ended: which device, from where it signed in (the enrolment keeps
   * the sign-in's IP and place), when, and which trusted device decided. Read inside the deciding transaction, so
   * the device is described as that decision left it. `ip` is the new device's; `decidedIp` the decision's.
   */
  async function facts(
    trx: Tx,
    e: EnrolmentRow,
    at: number,
    by: { deviceId: string | null; ip: string | null },
  ) {
    const device = await devices.findDevice(trx, e.account_id, e.device_id);
    const decider = by.deviceId ? await devices.findDevice(trx, e.account_id, by.deviceId) : null;
    return {
      enrolmentId: e.id,
      deviceId: e.device_id,
      ...(device ? { device: toDevice(device, '') } : {}),
      ip: e.ip,
      place: parsePlace(e.place),
      requestedAt: iso(e.created_at),
      at: iso(at),
      decidedBy: decider ? { id: decider.id, name: decider.name } : null,
      decidedIp: by.ip,
    };
  }

  /** Ends an attempt for good: the device is refused, its sessions end, and the owner hears about it. */
  async function end(
    e: EnrolmentRow,
    state: 'denied' | 'expired' | 'failed',
    by: { deviceId?: string; sessionId?: string; ip?: string | null },
  ) {
    const now = clock.now();
    const { revoked, told } = await db.transaction().execute(async (trx) => {
      await enrolments.update(trx, e.id, {
        state,
        decided_at: now,
        decided_by_device_id: by.deviceId ?? null,
        decided_factor:
          state === 'denied' ? 'trusted-device' : state === 'expired' ? 'expiry' : 'too-many-attempts',
        decided_ip: by.ip ?? null,
      });
      await devices.setStatus(trx, e.device_id, 'denied', now);
      const revoked = await devices.revokeDeviceSessions(trx, e.device_id, now, `enrolment-${state}`);
      const ids = { enrolmentId: e.id, enrolledDeviceId: e.device_id };
      const ip = by.ip ?? null;
      await audit.record(
        trx,
        state === 'denied'
          ? {
              accountId: e.account_id,
              kind: 'enrolment.denied',
              body: { ...ids, deviceId: by.deviceId ?? null, sessionId: by.sessionId ?? null, ip },
            }
          : state === 'expired'
            ? { accountId: e.account_id, kind: 'enrolment.expired', body: ids }
            : {
                accountId: e.account_id,
                kind: 'enrolment.failed',
                body: { ...ids, reason: 'too-many-attempts', ip },
              },
      );
      // Named with no doer, like expiry: the entry is about the device refused (the enrolment entry names who
      // refused it), and "This wasn't me" on it must act on that device, never on the owner's one that refused.
      const sessions = revoked.map((id) => ({ id, device_id: e.device_id }));
      const server = { deviceId: null, sessionId: null };
      await audit.recordMany(trx, endedSessionEntries(e.account_id, server, sessions, `enrolment-${state}`));
      return { revoked, told: await facts(trx, e, now, { deviceId: by.deviceId ?? null, ip }) };
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
      data: told,
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

  /** The pending device's open attempt, or the error that tells it to start over. */
  async function openAttempt(actor: Principal): Promise<EnrolmentRow> {
    const e = await fresh(await enrolments.waitingFor(db, actor.device.id));
    if (!e || e.state !== 'waiting')
      throw new AppError(
        'device_not_trusted',
        'This sign-in attempt has ended; sign in again to ask for approval.',
      );
    return e;
  }

  /** A wrong code of any kind counts towards the 5 that end the attempt. Always throws. */
  async function wrongCode(e: EnrolmentRow, actor: Principal, factor: string): Promise<never> {
    const attempts = e.failed_attempts + 1;
    await db.transaction().execute(async (trx) => {
      await enrolments.update(trx, e.id, { failed_attempts: attempts });
      await audit.record(trx, {
        accountId: e.account_id,
        kind: 'sign-in.failed',
        body: {
          ip: actor.ip,
          place: auditPlaceText(actor.device.last_place),
          deviceId: e.device_id,
          factors: ['password', factor],
          failedFactor: factor,
          reason: 'wrong-code',
        },
      });
    });
    events.emit('account.message', {
      accountId: e.account_id,
      event: 'enrolment.wrong-code',
      data: { enrolmentId: e.id, attempts, factor, deviceId: e.device_id, ip: actor.ip },
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

  /**
   * Lets the device in. `claim` runs first in the same transaction and marks a code used: when it returns false
   * (the code was used meanwhile) nothing changes. `recordAfter` adds the factor's own audit records.
   */
  async function approve(
    e: EnrolmentRow,
    how: {
      factor: string;
      byDeviceId: string | null;
      ip: string | null;
      /** What a passkey said about itself (user verification, backup), kept in the audit record. */
      passkey?: PasskeyFlags;
    },
    hooks: { claim?: (trx: Tx) => Promise<boolean>; recordAfter?: (trx: Tx) => Promise<void> } = {},
  ): Promise<{ state: 'approved'; deviceId: string; deviceCredential: string }> {
    const now = clock.now();
    // The device's credential, returned once in this response; only its hash is kept.
    const issued = issueCredential();
    const told = await db.transaction().execute(async (trx) => {
      if (hooks.claim && !(await hooks.claim(trx)))
        throw new AppError('invalid_credentials', 'This code has already been used.');
      await enrolments.update(trx, e.id, {
        state: 'approved',
        decided_at: now,
        decided_factor: how.factor,
        decided_by_device_id: how.byDeviceId,
        decided_ip: how.ip,
      });
      await devices.updateDevice(trx, e.device_id, {
        status: 'trusted',
        trusted_at: now,
        trust_reason: JSON.stringify({ kind: how.factor, byDeviceId: how.byDeviceId, enrolmentId: e.id }),
        credential_hash: issued.hash,
      });
      await audit.record(trx, {
        accountId: e.account_id,
        kind: 'enrolment.approved',
        body: {
          deviceId: how.byDeviceId,
          sessionId: null,
          enrolmentId: e.id,
          enrolledDeviceId: e.device_id,
          factor: how.factor,
          ip: how.ip,
          ...(how.passkey ? { passkey: how.passkey } : {}),
        },
      });
      await hooks.recordAfter?.(trx);
      return facts(trx, e, now, { deviceId: how.byDeviceId, ip: how.ip });
    });
    events.emit('account.message', {
      accountId: e.account_id,
      event: 'enrolment.approved',
      data: {
        ...told,
        factor: how.factor,
        ...(how.passkey ? { passkey: how.passkey } : {}),
      },
    });
    return { state: 'approved', deviceId: e.device_id, deviceCredential: issued.credential };
  }

  return { end, fresh, openAttempt, wrongCode, approve };
}

export type EnrolmentOutcomes = ReturnType<typeof createEnrolmentOutcomes>;
