import type { Db } from '../adapters/db/database.ts';
import type { AuditRecorder } from '../audit/audit.recorder.ts';
import type { Clock } from '../platform/clock.ts';
import type { EventBus } from '../platform/events.ts';
import { RECENT_SIGN_INS } from '../trust/risk.ts';
import type { DevicesStore } from './devices.store.ts';

/**
 * Expired sessions are kept this long after they expire, so a person coming back is told "session expired"
 * rather than "not signed in", then deleted.
 */
export const EXPIRED_KEPT_MS = 30 * 24 * 3600_000;
const BATCH = 500;

/** The timed end of sessions, run by housekeeping (state is in the rows, so any instance may run it). */
export function createSessionExpiry(deps: {
  db: Db;
  store: DevicesStore;
  events: EventBus;
  clock: Clock;
  audit: AuditRecorder;
}) {
  const { db, store, events, clock, audit } = deps;
  return {
    /** Ends sessions that ran out and closes their sockets on every instance; returns how many. */
    async markExpired(): Promise<number> {
      let total = 0;
      for (;;) {
        // Each ended session is on its account's record, committed with the marking (no end without its entry).
        const ended = await db.transaction().execute(async (trx) => {
          const rows = await store.markExpired(trx, clock.now(), BATCH);
          await audit.recordMany(
            trx,
            rows.map((s) => ({
              accountId: s.account_id,
              kind: 'session.ended' as const,
              body: {
                deviceId: null,
                sessionId: null,
                endedSessionId: s.id,
                endedDeviceId: s.device_id,
                reason: 'expired' as const,
              },
            })),
          );
          return rows;
        });
        for (const s of ended)
          events.emit('session.revoked', {
            sessionId: s.id,
            deviceId: s.device_id,
            accountId: s.account_id,
            reason: 'session-expired',
          });
        total += ended.length;
        if (ended.length < BATCH) return total;
      }
    },

    /** Deletes sessions expired more than EXPIRED_KEPT_MS ago (each account's latest sign-ins stay, for risk). */
    deleteExpired(): Promise<number> {
      return store.deleteExpired(db, clock.now() - EXPIRED_KEPT_MS, RECENT_SIGN_INS);
    },
  };
}

export type SessionExpiry = ReturnType<typeof createSessionExpiry>;
