import type { Queryable } from '../adapters/db/database.ts';
import type { EnrolmentRow } from '../adapters/db/schema.ts';

export function createEnrolmentsStore() {
  return {
    async insert(db: Queryable, row: EnrolmentRow): Promise<void> {
      await db.insertInto('enrolments').values(row).execute();
    },

    find(db: Queryable, accountId: string, id: string): Promise<EnrolmentRow | undefined> {
      return db
        .selectFrom('enrolments')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .executeTakeFirst();
    },

    /** The device's open attempt, if any. */
    waitingFor(db: Queryable, deviceId: string): Promise<EnrolmentRow | undefined> {
      return db
        .selectFrom('enrolments')
        .selectAll()
        .where('device_id', '=', deviceId)
        .where('state', '=', 'waiting')
        .orderBy('created_at', 'desc')
        .executeTakeFirst();
    },

    latestFor(db: Queryable, deviceId: string): Promise<EnrolmentRow | undefined> {
      return db
        .selectFrom('enrolments')
        .selectAll()
        .where('device_id', '=', deviceId)
        .orderBy('created_at', 'desc')
        .executeTakeFirst();
    },

    listWaiting(db: Queryable, accountId: string): Promise<EnrolmentRow[]> {
      return db
        .selectFrom('enrolments')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('state', '=', 'waiting')
        .orderBy('created_at', 'desc')
        .execute();
    },

    async update(db: Queryable, id: string, patch: Partial<Omit<EnrolmentRow, 'id'>>): Promise<void> {
      await db.updateTable('enrolments').set(patch).where('id', '=', id).execute();
    },

    /** Ends every waiting attempt of a device (a new sign-in replaces the old attempt). */
    async closeWaiting(
      db: Queryable,
      deviceId: string,
      state: EnrolmentRow['state'],
      at: number,
    ): Promise<void> {
      await db
        .updateTable('enrolments')
        .set({ state, decided_at: at })
        .where('device_id', '=', deviceId)
        .where('state', '=', 'waiting')
        .execute();
    },

    /** Uses up the e-mailed code if it is still this one: true when this call won. */
    async takeEmailCode(db: Queryable, id: string, hash: string): Promise<boolean> {
      const result = await db
        .updateTable('enrolments')
        .set({ email_code_hash: null, email_code_expires_at: null })
        .where('id', '=', id)
        .where('email_code_hash', '=', hash)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    /** Password sign-ins that were not completed within `before`, not yet told to the owner. */
    halfFinished(db: Queryable, before: number, since: number): Promise<EnrolmentRow[]> {
      return db
        .selectFrom('enrolments')
        .selectAll()
        .where('state', 'in', ['waiting', 'failed', 'expired'])
        .where('created_at', '<=', before)
        .where('created_at', '>=', since)
        .where('half_notice_at', 'is', null)
        .execute();
    },

    /** Claims the notice of one half-finished sign-in, so that one server instance sends it. */
    async claimHalfNotice(db: Queryable, id: string, at: number): Promise<boolean> {
      const result = await db
        .updateTable('enrolments')
        .set({ half_notice_at: at })
        .where('id', '=', id)
        .where('half_notice_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    expiredWaiting(db: Queryable, now: number): Promise<EnrolmentRow[]> {
      return db
        .selectFrom('enrolments')
        .selectAll()
        .where('state', '=', 'waiting')
        .where('expires_at', '<=', now)
        .execute();
    },
  };
}

export type EnrolmentsStore = ReturnType<typeof createEnrolmentsStore>;
