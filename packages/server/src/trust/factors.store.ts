import type { Queryable } from '../adapters/db/database.ts';
import type { RecoveryCodesTable, TotpFactorsTable } from '../adapters/db/schema.ts';

export type TotpRow = TotpFactorsTable;

/** Second factors of an account: its authenticator secret and its recovery codes. */
export function createFactorsStore() {
  return {
    /** The confirmed authenticator, if any (an account has at most one). */
    confirmedTotp(db: Queryable, accountId: string): Promise<TotpRow | undefined> {
      return db
        .selectFrom('totp_factors')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('confirmed_at', 'is not', null)
        .executeTakeFirst();
    },

    unconfirmedTotp(db: Queryable, accountId: string): Promise<TotpRow | undefined> {
      return db
        .selectFrom('totp_factors')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('confirmed_at', 'is', null)
        .orderBy('created_at', 'desc')
        .executeTakeFirst();
    },

    async insertTotp(db: Queryable, row: TotpRow): Promise<void> {
      await db.insertInto('totp_factors').values(row).execute();
    },

    /** Drops unconfirmed set-ups (a new set-up replaces an abandoned one). */
    async deleteUnconfirmedTotp(db: Queryable, accountId: string): Promise<void> {
      await db
        .deleteFrom('totp_factors')
        .where('account_id', '=', accountId)
        .where('confirmed_at', 'is', null)
        .execute();
    },

    async deleteTotp(db: Queryable, accountId: string): Promise<number> {
      const result = await db
        .deleteFrom('totp_factors')
        .where('account_id', '=', accountId)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    /**
     * Records `step` as used if no later or equal step was: true when this call won. The conditional update is
     * what makes a code single-use even when two requests race with it.
     */
    async claimStep(db: Queryable, id: string, step: number, confirmAt?: number): Promise<boolean> {
      const result = await db
        .updateTable('totp_factors')
        .set({ last_step: step, ...(confirmAt !== undefined ? { confirmed_at: confirmAt } : {}) })
        .where('id', '=', id)
        .where('last_step', '<', step)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async replaceRecoveryCodes(db: Queryable, accountId: string, rows: RecoveryCodesTable[]): Promise<void> {
      await db.deleteFrom('recovery_codes').where('account_id', '=', accountId).execute();
      await db.insertInto('recovery_codes').values(rows).execute();
    },

    async deleteRecoveryCodes(db: Queryable, accountId: string): Promise<void> {
      await db.deleteFrom('recovery_codes').where('account_id', '=', accountId).execute();
    },

    findRecoveryCode(db: Queryable, accountId: string, codeHash: string) {
      return db
        .selectFrom('recovery_codes')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('code_hash', '=', codeHash)
        .where('used_at', 'is', null)
        .executeTakeFirst();
    },

    /** Marks a code used unless it was already: true when this call won. */
    async useRecoveryCode(db: Queryable, id: string, at: number, deviceId: string): Promise<boolean> {
      const result = await db
        .updateTable('recovery_codes')
        .set({ used_at: at, used_by_device_id: deviceId })
        .where('id', '=', id)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async unusedRecoveryCodes(db: Queryable, accountId: string): Promise<number> {
      const row = await db
        .selectFrom('recovery_codes')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .where('account_id', '=', accountId)
        .where('used_at', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}

export type FactorsStore = ReturnType<typeof createFactorsStore>;
