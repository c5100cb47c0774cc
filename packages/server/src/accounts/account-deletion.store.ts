// The rows of an account deletion: the pending request (a settings row, so any instance can carry it on and no
// migration is needed), and the erasure of everything the account still owns once its library is gone.
import type { Queryable } from '../adapters/db/database.ts';

export const DELETION_PREFIX = 'account-deletion:';

/** What the request decided, kept until the account is gone (then it goes too: nothing names the account). */
export interface PendingDeletion {
  requestedAt: number;
  by: 'owner' | 'admin';
  reason: string;
}

/**
 * Tables holding an account's rows by `account_id`, in an order the foreign keys accept. audit_events is not here:
 * its rows are the log's tombstones (blanked by the audit log's forgetAccount, never deleted).
 */
const BY_ACCOUNT = [
  'enrolments',
  'sync_deliveries',
  'sessions',
  'totp_factors',
  'recovery_codes',
  'not_me_tokens',
  'passkeys',
  'webauthn_challenges',
  'evidence_uploads',
  'audit_witnessed',
  'changes',
  'album_members',
  'albums',
] as const;

export function createAccountDeletionStore() {
  return {
    async pending(db: Queryable, accountId: string): Promise<PendingDeletion | null> {
      const row = await db
        .selectFrom('settings')
        .select('value')
        .where('key', '=', `${DELETION_PREFIX}${accountId}`)
        .executeTakeFirst();
      return row ? (JSON.parse(row.value) as PendingDeletion) : null;
    },

    async markPending(db: Queryable, accountId: string, pending: PendingDeletion): Promise<void> {
      await db
        .insertInto('settings')
        .values({ key: `${DELETION_PREFIX}${accountId}`, value: JSON.stringify(pending) })
        .execute();
    },

    /**
     * Row locks on every admin, taken before counting them: two admins deleting each other at once on PostgreSQL
     * would otherwise both see two admins and leave none. (SQLite has one writer.)
     */
    async lockAdmins(db: Queryable): Promise<void> {
      await db
        .updateTable('accounts')
        .set((eb) => ({ role: eb.ref('role') }))
        .where('role', '=', 'admin')
        .execute();
    },

    async photoCount(db: Queryable, accountId: string): Promise<number> {
      const row = await db
        .selectFrom('photos')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('account_id', '=', accountId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /** Everything but the photos (deleted one by one before) and the audit log (forgotten by its owner module). */
    async erase(db: Queryable, accountId: string, emailHash: string | null): Promise<void> {
      const devices = db.selectFrom('devices').select('id').where('account_id', '=', accountId);
      await db.deleteFrom('device_sync').where('device_id', 'in', devices).execute();
      for (const table of BY_ACCOUNT)
        await db.deleteFrom(table).where('account_id', '=', accountId).execute();
      await db.deleteFrom('devices').where('account_id', '=', accountId).execute();
      await db.deleteFrom('sign_in_failures').where('account_id', '=', accountId).execute();
      // Sign-in limits are kept by the e-mail's hash too (failures naming an unknown address have no account id).
      if (emailHash !== null) {
        await db.deleteFrom('sign_in_failures').where('email_hash', '=', emailHash).execute();
        await db.deleteFrom('sign_in_successes').where('email_hash', '=', emailHash).execute();
      }
      await db
        .deleteFrom('settings')
        .where('key', 'in', [`email-change:${accountId}`, `${DELETION_PREFIX}${accountId}`])
        .execute();
    },

    async deleteAccount(db: Queryable, accountId: string): Promise<void> {
      await db.deleteFrom('accounts').where('id', '=', accountId).execute();
    },
  };
}

export type AccountDeletionStore = ReturnType<typeof createAccountDeletionStore>;
