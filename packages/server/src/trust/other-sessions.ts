import type { Tx } from '../adapters/db/database.ts';
import { actorOf, endedSessionEntries, type AuditRecorder } from '../audit/audit.recorder.ts';
import type { DevicesStore } from '../devices/devices.store.ts';
import type { Clock } from '../platform/clock.ts';
import type { EventBus } from '../platform/events.ts';
import type { Principal } from '../platform/principal.ts';

/**
 * "Sign out every other session" of a factor change (TOTP, recovery codes, passkeys), on unless the request says
 * `false`. Runs inside the change's transaction so both commit together; `announce` (after commit) tells every
 * instance to close those sessions' sockets.
 */
export function createEndOtherSessions(deps: {
  devices: DevicesStore;
  events: EventBus;
  clock: Clock;
  audit: AuditRecorder;
}) {
  const { devices, events, clock, audit } = deps;
  return async function endOtherSessions(trx: Tx, actor: Principal, wanted: boolean | undefined) {
    if (wanted === false) return { count: 0, announce: () => {} };
    const ended = await devices.revokeOtherSessions(
      trx,
      actor.account.id,
      actor.session.id,
      clock.now(),
      'factor-changed',
    );
    await audit.recordMany(
      trx,
      endedSessionEntries(actor.account.id, actorOf(actor), ended, 'factor-changed'),
    );
    const announce = () => {
      for (const s of ended)
        events.emit('session.revoked', {
          sessionId: s.id,
          deviceId: s.device_id,
          accountId: actor.account.id,
          reason: 'factor-changed',
        });
    };
    return { count: ended.length, announce };
  };
}

export type EndOtherSessions = ReturnType<typeof createEndOtherSessions>;
