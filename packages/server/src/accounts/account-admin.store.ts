import type { Queryable } from '../adapters/db/database.ts';
import { INVITE_PREFIX } from './invites.ts';

/** An invite as stored: a settings row keyed by the hash of its code. */
export interface StoredInvite {
  id: string;
  email: string;
  expiresAt: number;
  createdAt: number | null;
  createdBy: string | null;
}

function parseInvite(key: string, value: string): StoredInvite | null {
  try {
    const v = JSON.parse(value) as Record<string, unknown>;
    if (typeof v['email'] !== 'string' || typeof v['expiresAt'] !== 'number') return null;
    return {
      id: key.slice(INVITE_PREFIX.length),
      email: v['email'],
      expiresAt: v['expiresAt'],
      createdAt: typeof v['createdAt'] === 'number' ? v['createdAt'] : null,
      createdBy: typeof v['createdBy'] === 'string' ? v['createdBy'] : null,
    };
  } catch {
    return null;
  }
}

export function createAccountAdminStore() {
  return {
    async invites(db: Queryable): Promise<StoredInvite[]> {
      const rows = await db
        .selectFrom('settings')
        .select(['key', 'value'])
        .where('key', 'like', `${INVITE_PREFIX}%`)
        .execute();
      return rows.flatMap((r) => parseInvite(r.key, r.value) ?? []);
    },

    async invite(db: Queryable, id: string): Promise<StoredInvite | null> {
      const key = `${INVITE_PREFIX}${id}`;
      const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
      return row ? parseInvite(key, row.value) : null;
    },

    /** true when this call removed it (a concurrent revoke or sign-up did not get there first). */
    async deleteInvite(db: Queryable, id: string): Promise<boolean> {
      const result = await db
        .deleteFrom('settings')
        .where('key', '=', `${INVITE_PREFIX}${id}`)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async setDisabled(db: Queryable, id: string, at: number | null): Promise<void> {
      await db.updateTable('accounts').set({ disabled_at: at }).where('id', '=', id).execute();
    },

    async countEnabledAdmins(db: Queryable): Promise<number> {
      const row = await db
        .selectFrom('accounts')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('role', '=', 'admin')
        .where('disabled_at', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /** Ends every live session of the account; returns what ended. */
    endAllSessions(db: Queryable, accountId: string, at: number, reason: string) {
      return db
        .updateTable('sessions')
        .set({ revoked_at: at, revoke_reason: reason })
        .where('account_id', '=', accountId)
        .where('revoked_at', 'is', null)
        .returning(['id', 'device_id'])
        .execute();
    },
  };
}

export type AccountAdminStore = ReturnType<typeof createAccountAdminStore>;
