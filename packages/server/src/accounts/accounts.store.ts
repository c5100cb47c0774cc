import type { Queryable } from '../adapters/db/database.ts';
import type { AccountRow, AccountRole } from '../adapters/db/schema.ts';
import type { SignupPolicy } from '@shoebox/shared';

export function createAccountsStore() {
  return {
    async insert(db: Queryable, row: AccountRow): Promise<void> {
      await db.insertInto('accounts').values(row).execute();
    },

    findById(db: Queryable, id: string): Promise<AccountRow | undefined> {
      return db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
    },

    findByEmail(db: Queryable, email: string): Promise<AccountRow | undefined> {
      return db.selectFrom('accounts').selectAll().where('email', '=', email).executeTakeFirst();
    },

    async count(db: Queryable): Promise<number> {
      const row = await db
        .selectFrom('accounts')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    list(db: Queryable): Promise<AccountRow[]> {
      return db.selectFrom('accounts').selectAll().orderBy('created_at').execute();
    },

    async setRole(db: Queryable, id: string, role: AccountRole): Promise<void> {
      await db.updateTable('accounts').set({ role }).where('id', '=', id).execute();
    },

    async getSignupPolicy(db: Queryable): Promise<SignupPolicy> {
      const row = await db
        .selectFrom('settings')
        .select('value')
        .where('key', '=', 'signup_policy')
        .executeTakeFirst();
      return (row?.value as SignupPolicy | undefined) ?? 'closed';
    },

    async setSignupPolicy(db: Queryable, policy: SignupPolicy): Promise<void> {
      await db
        .insertInto('settings')
        .values({ key: 'signup_policy', value: policy })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: policy }))
        .execute();
    },

    /** A new password; clears the "This wasn't me" flag, which only a new password answers. */
    async setPassword(db: Queryable, id: string, hash: string, at: number): Promise<void> {
      await db
        .updateTable('accounts')
        .set({ password_hash: hash, password_changed_at: at, password_change_required_at: null })
        .where('id', '=', id)
        .execute();
    },

    /** Ends every live session of the account except `keep`; returns what ended. */
    async revokeOtherSessions(
      db: Queryable,
      accountId: string,
      keep: string,
      at: number,
      reason: string,
    ): Promise<{ id: string; device_id: string }[]> {
      return db
        .updateTable('sessions')
        .set({ revoked_at: at, revoke_reason: reason })
        .where('account_id', '=', accountId)
        .where('id', '!=', keep)
        .where('revoked_at', 'is', null)
        .returning(['id', 'device_id'])
        .execute();
    },
  };
}

export type AccountsStore = ReturnType<typeof createAccountsStore>;
