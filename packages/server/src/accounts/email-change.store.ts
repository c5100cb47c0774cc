import type { Queryable } from '../adapters/db/database.ts';

/** A change of address waiting for the code sent to the new address. */
export interface PendingEmailChange {
  newEmail: string;
  /** SHA-256 of `<accountId>:<code>`: the code itself is only in the new mailbox. */
  codeHash: string;
  issuedAt: number;
  expiresAt: number;
  triesLeft: number;
  /** The session that asked (and proved itself); only it may confirm. */
  sessionId: string;
  signOutOtherSessions: boolean;
}

// One pending change per account, kept as a settings row: any instance can confirm it, and the compare-and-swap
// updates below make a code single use and the five tries exact even when two confirmations race.
const keyOf = (accountId: string) => `email-change:${accountId}`;

export function createEmailChangeStore() {
  return {
    async get(db: Queryable, accountId: string): Promise<{ raw: string; change: PendingEmailChange } | null> {
      const row = await db
        .selectFrom('settings')
        .select('value')
        .where('key', '=', keyOf(accountId))
        .executeTakeFirst();
      return row ? { raw: row.value, change: JSON.parse(row.value) as PendingEmailChange } : null;
    },

    /** A new request replaces the previous one (and its code). */
    async put(db: Queryable, accountId: string, change: PendingEmailChange): Promise<void> {
      const value = JSON.stringify(change);
      await db
        .insertInto('settings')
        .values({ key: keyOf(accountId), value })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
        .execute();
    },

    /** Replaces the row only if it still holds `raw`; false when someone else got there first. */
    async swap(db: Queryable, accountId: string, raw: string, next: PendingEmailChange): Promise<boolean> {
      const result = await db
        .updateTable('settings')
        .set({ value: JSON.stringify(next) })
        .where('key', '=', keyOf(accountId))
        .where('value', '=', raw)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    /** Takes the pending change away if it still holds `raw` (a used code, or the last wrong try). */
    async take(db: Queryable, accountId: string, raw: string): Promise<boolean> {
      const result = await db
        .deleteFrom('settings')
        .where('key', '=', keyOf(accountId))
        .where('value', '=', raw)
        .executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },

    async setEmail(db: Queryable, accountId: string, email: string): Promise<void> {
      await db.updateTable('accounts').set({ email }).where('id', '=', accountId).execute();
    },
  };
}

export type EmailChangeStore = ReturnType<typeof createEmailChangeStore>;
