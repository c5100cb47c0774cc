// What the other capabilities need to put their actions on the record: one call, inside the
// transaction of the action itself, so that an action never commits without its record.
import type { Place } from '@shoebox/shared';
import type { Tx } from '../adapters/db/database.ts';
import type { Principal } from '../platform/principal.ts';
import type { AuditInput, AuditPlace } from './audit.kinds.ts';

export interface AuditRecorder {
  record(trx: Tx, input: AuditInput): Promise<{ seq: number }>;
  /** Several records of one transaction in one claim and one write; seqs in the order of `inputs`. */
  recordMany(trx: Tx, inputs: readonly AuditInput[]): Promise<{ seq: number }[]>;
}

/** The place as recorded: a copy with exactly the committed fields, whatever else a Place grows. */
export function auditPlace(place: Place | null | undefined): AuditPlace | null {
  if (!place) return null;
  const { label, city, region, country, countryCode, latitude, longitude, accuracyKm } = place;
  return { label, city, region, country, countryCode, latitude, longitude, accuracyKm };
}

/** Stored places are JSON text; null stays null. */
export function auditPlaceText(text: string | null): AuditPlace | null {
  return text ? auditPlace(JSON.parse(text) as Place) : null;
}

/** Who did it, as the log names them. */
export function actorOf(actor: Principal): { deviceId: string; sessionId: string } {
  return { deviceId: actor.device.id, sessionId: actor.session.id };
}

/** A session an action ended, and its device. */
export interface EndedSession {
  id: string;
  device_id: string;
}

/**
 * One `session.ended` per session that an action ended on the way (a password or factor change, a removed or
 * refused device, a disabled account), to record in the action's transaction: every session's end is in the log,
 * not only sign-outs and expiries. `by`: who did it (nulls when the server did, or another account's admin).
 */
export function endedSessionEntries(
  accountId: string,
  by: { deviceId: string | null; sessionId: string | null },
  ended: readonly EndedSession[],
  reason: string,
): AuditInput[] {
  return ended.map((s) => ({
    accountId,
    kind: 'session.ended',
    body: { ...by, endedSessionId: s.id, endedDeviceId: s.device_id, reason },
  }));
}
