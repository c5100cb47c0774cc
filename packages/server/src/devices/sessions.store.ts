import type { Queryable } from '../adapters/db/database.ts';

/** Reads and ends sessions by account, for the owner's session list (sessions.service.ts). */
export function createSessionsStore() {
  return {
    /** The account's sessions that still work at `now` (not ended, not expired), with their device's name. */
    listLive(db: Queryable, accountId: string, now: number) {
      return (
        db
          .selectFrom('sessions')
          .innerJoin('devices', 'devices.id', 'sessions.device_id')
          .select([
            'sessions.id',
            'sessions.device_id',
            'devices.name as device_name',
            'sessions.client',
            'sessions.created_at',
            'sessions.last_used_at',
            'sessions.expires_at',
            'sessions.authenticated_at',
            'sessions.ip',
            'sessions.place',
            'sessions.factors',
          ])
          .where('sessions.account_id', '=', accountId)
          .where('sessions.revoked_at', 'is', null)
          .where('sessions.expires_at', '>', now)
          // A removed or denied device's sessions are refused anyway (authenticate); they are not "live".
          .where('devices.status', 'not in', ['removed', 'denied'])
          .orderBy('sessions.last_used_at', 'desc')
          .orderBy('sessions.id', 'desc')
          .execute()
      );
    },

    /**
     * Ends one live session of the account; undefined when the account has no such live session. One statement,
     * so an id of another account's session changes nothing, and of two racing ends only one reports it.
     */
    endLive(db: Queryable, accountId: string, sessionId: string, now: number, reason: string) {
      return db
        .updateTable('sessions')
        .set({ revoked_at: now, revoke_reason: reason })
        .where('id', '=', sessionId)
        .where('account_id', '=', accountId)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .returning(['id', 'device_id'])
        .executeTakeFirst();
    },
  };
}

export type SessionsStore = ReturnType<typeof createSessionsStore>;
