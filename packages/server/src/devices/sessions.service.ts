import type { Db } from '../adapters/db/database.ts';
import { actorOf, type AuditRecorder } from '../audit/audit.recorder.ts';
import { notFound } from '../errors.ts';
import { iso, type Clock } from '../platform/clock.ts';
import type { EventBus } from '../platform/events.ts';
import type { Principal } from '../platform/principal.ts';
import { parsePlace, requireTrusted } from './devices.service.ts';
import type { SessionListItem } from './sessions.schemas.ts';
import type { SessionsStore } from './sessions.store.ts';

/** Why a session ended when its owner ended it from the session list (audit `session.ended`, socket close). */
export const ENDED_BY_OWNER = 'ended-by-owner';

/** The owner's list of live sessions, and ending any one of them at once. */
export function createSessionsService(deps: {
  db: Db;
  store: SessionsStore;
  events: EventBus;
  clock: Clock;
  audit: AuditRecorder;
}) {
  const { db, store, events, clock, audit } = deps;
  return {
    async list(actor: Principal): Promise<SessionListItem[]> {
      requireTrusted(actor);
      const rows = await store.listLive(db, actor.account.id, clock.now());
      return rows.map((r) => ({
        id: r.id,
        deviceId: r.device_id,
        deviceName: r.device_name,
        client: r.client,
        createdAt: iso(r.created_at),
        lastSeenAt: iso(r.last_used_at),
        expiresAt: iso(r.expires_at),
        authenticatedAt: iso(r.authenticated_at),
        ip: r.ip,
        place: parsePlace(r.place),
        factors: JSON.parse(r.factors) as string[],
        current: r.id === actor.session.id,
      }));
    },

    /**
     * Ends one session of the account, as removing a device ends its sessions: the token fails from the next
     * request and `session.revoked` closes its live socket on every instance. Ending one's own session is a
     * sign-out, recorded as such. Another account's session, or one already ended, is `not_found`.
     */
    async end(actor: Principal, sessionId: string): Promise<void> {
      requireTrusted(actor);
      const reason = sessionId === actor.session.id ? 'signed-out' : ENDED_BY_OWNER;
      const ended = await db.transaction().execute(async (trx) => {
        const row = await store.endLive(trx, actor.account.id, sessionId, clock.now(), reason);
        if (!row) throw notFound('Session');
        await audit.record(trx, {
          accountId: actor.account.id,
          kind: 'session.ended',
          body: { ...actorOf(actor), endedSessionId: row.id, endedDeviceId: row.device_id, reason },
        });
        return row;
      });
      // After commit, like every other revocation: a socket must not close for an end that rolled back.
      events.emit('session.revoked', {
        sessionId: ended.id,
        deviceId: ended.device_id,
        accountId: actor.account.id,
        reason,
      });
    },
  };
}

export type SessionsService = ReturnType<typeof createSessionsService>;
