import type { Queryable } from '../adapters/db/database.ts';
import type { NotMeTokensTable } from '../adapters/db/schema.ts';

/** The single-use tokens behind "This wasn't me" links, and the account flag they set. */
export function createNotMeStore() {
  return {
    async insert(db: Queryable, row: NotMeTokensTable): Promise<void> {
      await db.insertInto('not_me_tokens').values(row).execute();
    },

    /** Uses the token if it is live and unused; returns it when this call won. */
    async take(db: Queryable, tokenHash: string, now: number): Promise<NotMeTokensTable | undefined> {
      const row = await db
        .selectFrom('not_me_tokens')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      if (!row) return undefined;
      const result = await db
        .updateTable('not_me_tokens')
        .set({ used_at: now })
        .where('token_hash', '=', tokenHash)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1 ? row : undefined;
    },

    async requirePasswordChange(db: Queryable, accountId: string, at: number): Promise<void> {
      await db
        .updateTable('accounts')
        .set({ password_change_required_at: at })
        .where('id', '=', accountId)
        .where('password_change_required_at', 'is', null)
        .execute();
    },
  };
}

export type NotMeStore = ReturnType<typeof createNotMeStore>;
