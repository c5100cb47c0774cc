import type { Queryable } from '../adapters/db/database.ts';
import type { PasskeysTable, WebauthnChallengesTable } from '../adapters/db/schema.ts';

export type PasskeyRow = PasskeysTable;
export type ChallengeRow = WebauthnChallengesTable;

/** Passkeys of accounts and the challenges of WebAuthn ceremonies (in the database, so any instance can finish one). */
export function createPasskeysStore() {
  return {
    list(db: Queryable, accountId: string): Promise<PasskeyRow[]> {
      return db
        .selectFrom('passkeys')
        .selectAll()
        .where('account_id', '=', accountId)
        .orderBy('created_at', 'asc')
        .execute();
    },

    get(db: Queryable, accountId: string, id: string): Promise<PasskeyRow | undefined> {
      return db
        .selectFrom('passkeys')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .executeTakeFirst();
    },

    byCredentialId(db: Queryable, credentialId: string): Promise<PasskeyRow | undefined> {
      return db
        .selectFrom('passkeys')
        .selectAll()
        .where('credential_id', '=', credentialId)
        .executeTakeFirst();
    },

    async insert(db: Queryable, row: PasskeyRow): Promise<void> {
      await db.insertInto('passkeys').values(row).execute();
    },

    async remove(db: Queryable, accountId: string, id: string): Promise<boolean> {
      const r = await db
        .deleteFrom('passkeys')
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(r.numDeletedRows) === 1;
    },

    /**
     * Records a use: the counter moves from `from` to `to` only if nobody moved it meanwhile (true when this call
     * won), so two assertions racing with the same counter cannot both pass.
     */
    async recordUse(
      db: Queryable,
      id: string,
      from: number,
      use: { counter: number; at: number; backedUp: boolean; userVerified: boolean },
    ): Promise<boolean> {
      const r = await db
        .updateTable('passkeys')
        .set({
          counter: use.counter,
          last_used_at: use.at,
          backed_up: use.backedUp ? 1 : 0,
          ...(use.userVerified ? { user_verified: 1 } : {}),
        })
        .where('id', '=', id)
        .where('counter', '=', from)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },

    async addChallenge(db: Queryable, row: ChallengeRow): Promise<void> {
      await db.deleteFrom('webauthn_challenges').where('expires_at', '<', row.created_at).execute();
      await db.insertInto('webauthn_challenges').values(row).execute();
    },

    /** Unexpired challenges of one purpose asked from one address, and when the oldest of them expires. */
    async outstanding(db: Queryable, purpose: ChallengeRow['purpose'], ip: string, now: number) {
      const r = await db
        .selectFrom('webauthn_challenges')
        .select([(eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.min('expires_at').as('first')])
        .where('ip', '=', ip)
        .where('purpose', '=', purpose)
        .where('expires_at', '>', now)
        .executeTakeFirstOrThrow();
      return { count: Number(r.n), firstExpiry: Number(r.first ?? now) };
    },

    /** Takes a challenge for good: the first caller gets the row, later ones (and other purposes) get nothing. */
    async takeChallenge(
      db: Queryable,
      challenge: string,
      purpose: ChallengeRow['purpose'],
    ): Promise<ChallengeRow | undefined> {
      const row = await db
        .selectFrom('webauthn_challenges')
        .selectAll()
        .where('challenge', '=', challenge)
        .where('purpose', '=', purpose)
        .executeTakeFirst();
      if (!row) return undefined;
      const r = await db
        .deleteFrom('webauthn_challenges')
        .where('challenge', '=', challenge)
        .executeTakeFirst();
      return Number(r.numDeletedRows) === 1 ? row : undefined;
    },
  };
}

export type PasskeysStore = ReturnType<typeof createPasskeysStore>;
