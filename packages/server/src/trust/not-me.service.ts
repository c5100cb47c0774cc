import type { NotMeResult } from '@shoebox/shared';
import type { Db } from '../adapters/db/database.ts';
import { hashToken, requireTrusted } from '../devices/devices.service.ts';
import type { DevicesStore } from '../devices/devices.store.ts';
import { AppError } from '../errors.ts';
import type { Clock } from '../platform/clock.ts';
import type { EventBus } from '../platform/events.ts';
import { newSecret } from '../platform/ids.ts';
import type { Principal } from '../platform/principal.ts';
import { endedSessionEntries, type AuditRecorder } from '../audit/audit.recorder.ts';
import type { EnrolmentsStore } from './enrolments.store.ts';
import type { NotMeStore } from './not-me.store.ts';
import { restoreEmailChangedBy } from './not-me-email.ts';

export interface NotMeServiceDeps {
  db: Db;
  store: NotMeStore;
  devices: DevicesStore;
  enrolments: EnrolmentsStore;
  events: EventBus;
  clock: Clock;
  audit: AuditRecorder;
  publicUrl: string;
}

/** E-mailed links work once, for 14 days. */
export const NOT_ME_TOKEN_TTL_MS = 14 * 24 * 3600_000;

/**
 * "This wasn't me": the device a notice is about is removed (its sessions end, its sockets close), and the account
 * is marked so that no new device can sign in with the current password until it is changed from a trusted device.
 */
export function createNotMeService(deps: NotMeServiceDeps) {
  const { db, store, devices, enrolments, events, clock, audit } = deps;

  async function disown(
    accountId: string,
    deviceId: string | null,
    by: { deviceId: string | null; sessionId: string | null; ip: string | null },
  ): Promise<NotMeResult> {
    const now = clock.now();
    const { removed, ended, restoredEmail } = await db.transaction().execute(async (trx) => {
      await store.requirePasswordChange(trx, accountId, now);
      const device = deviceId ? await devices.findDevice(trx, accountId, deviceId) : undefined;
      if (!device) return { removed: null, ended: [] as string[], restoredEmail: null };
      await enrolments.closeWaiting(trx, device.id, 'cancelled', now);
      await devices.setStatus(trx, device.id, 'removed', now);
      const ended = await devices.revokeDeviceSessions(trx, device.id, now, 'not-me');
      await audit.record(trx, {
        accountId,
        kind: 'device.removed',
        body: { ...by, removedDeviceId: device.id },
      });
      const who = { deviceId: by.deviceId, sessionId: by.sessionId };
      const sessions = ended.map((id) => ({ id, device_id: device.id }));
      await audit.recordMany(trx, endedSessionEntries(accountId, who, sessions, 'not-me'));
      const restoredEmail = await restoreEmailChangedBy(trx, audit, accountId, device.id, by);
      return { removed: device.id, ended, restoredEmail };
    });
    for (const sessionId of ended)
      events.emit('session.revoked', { sessionId, deviceId: removed ?? '', accountId, reason: 'not-me' });
    events.emit('account.message', {
      accountId,
      event: 'security.not-me',
      data: {
        deviceId: removed,
        byDeviceId: by.deviceId,
        ip: by.ip,
        passwordChangeRequired: true,
        ...(restoredEmail ? { restoredEmail } : {}),
      },
    });
    return { removedDeviceId: removed, endedSessions: ended.length, passwordChangeRequired: true };
  }

  return {
    /** A link for a notice e-mail: a fresh single-use token bound to the account and the device. */
    async link(accountId: string, deviceId: string | null): Promise<string> {
      const token = newSecret(256);
      const now = clock.now();
      await store.insert(db, {
        token_hash: hashToken(token),
        account_id: accountId,
        device_id: deviceId,
        created_at: now,
        expires_at: now + NOT_ME_TOKEN_TTL_MS,
        used_at: null,
      });
      return `${deps.publicUrl}/not-me?token=${token}`;
    },

    /** From a trusted device, on a live notice or an activity entry. */
    async fromDevice(actor: Principal, deviceId: string): Promise<NotMeResult> {
      requireTrusted(actor);
      if (deviceId === actor.device.id)
        throw new AppError('conflict', 'This is the device you are using; remove another one.');
      if (!(await devices.findDevice(db, actor.account.id, deviceId)))
        throw new AppError('not_found', 'Device not found.');
      return disown(actor.account.id, deviceId, {
        deviceId: actor.device.id,
        sessionId: actor.session.id,
        ip: actor.ip,
      });
    },

    /** From the e-mail link: no session needed, the token is the authority, once. */
    async fromToken(token: string, ip: string | null): Promise<NotMeResult> {
      const row = await store.take(db, hashToken(token), clock.now());
      if (!row) throw new AppError('not_found', 'This link has expired or was already used.');
      return disown(row.account_id, row.device_id, { deviceId: null, sessionId: null, ip });
    },
  };
}

export type NotMeService = ReturnType<typeof createNotMeService>;
