import type { Queryable } from '../adapters/db/database.ts';
import type { DbFeatures } from '../adapters/db/features.ts';
import type { JobRow } from '../adapters/db/schema.ts';

export interface NewJob {
  kind: string;
  payload: unknown;
  maxAttempts?: number;
  runAt?: number;
}

/** A durable queue in the database: jobs survive restarts and are shared by every server instance. */
export function createJobsStore(features: DbFeatures) {
  return {
    async enqueue(db: Queryable, job: NewJob, now: number): Promise<void> {
      await db
        .insertInto('jobs')
        .values({
          kind: job.kind,
          payload: JSON.stringify(job.payload),
          state: 'queued',
          attempts: 0,
          max_attempts: job.maxAttempts ?? 5,
          run_at: job.runAt ?? now,
          locked_until: null,
          locked_by: null,
          last_error: null,
          created_at: now,
          updated_at: now,
        })
        .execute();
    },

    /**
     * Takes up to `limit` due jobs for `worker`, leasing them until `leaseUntil`. A job whose lease ran out (its
     * worker died) is due again.
     */
    async claim(
      db: Queryable,
      worker: string,
      limit: number,
      now: number,
      leaseUntil: number,
    ): Promise<JobRow[]> {
      return db.transaction().execute(async (trx) => {
        const due = await features
          .lockForClaim(
            trx
              .selectFrom('jobs')
              .select('id')
              .where((eb) =>
                eb.or([
                  eb.and([eb('state', '=', 'queued'), eb('run_at', '<=', now)]),
                  eb.and([eb('state', '=', 'running'), eb('locked_until', '<', now)]),
                ]),
              )
              .orderBy('run_at')
              .limit(limit),
          )
          .execute();
        if (due.length === 0) return [];
        return trx
          .updateTable('jobs')
          .set((eb) => ({
            state: 'running',
            locked_by: worker,
            locked_until: leaseUntil,
            attempts: eb('attempts', '+', 1),
            updated_at: now,
          }))
          .where(
            'id',
            'in',
            due.map((d) => d.id),
          )
          .returningAll()
          .execute();
      });
    },

    async complete(db: Queryable, id: number, now: number): Promise<void> {
      await db
        .updateTable('jobs')
        .set({ state: 'done', locked_until: null, updated_at: now })
        .where('id', '=', id)
        .execute();
    },

    /** Schedules a retry with backoff, or marks the job failed for good after its last attempt. */
    async fail(
      db: Queryable,
      job: JobRow,
      reason: string,
      now: number,
      retryAt: number,
    ): Promise<'retry' | 'failed'> {
      const final = job.attempts >= job.max_attempts;
      await db
        .updateTable('jobs')
        .set({
          state: final ? 'failed' : 'queued',
          run_at: final ? job.run_at : retryAt,
          locked_until: null,
          locked_by: null,
          last_error: reason,
          updated_at: now,
        })
        .where('id', '=', job.id)
        .execute();
      return final ? 'failed' : 'retry';
    },

    async countByState(db: Queryable): Promise<Record<string, number>> {
      const rows = await db
        .selectFrom('jobs')
        .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('state')
        .execute();
      return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
    },

    list(db: Queryable, state: JobRow['state'], limit = 100): Promise<JobRow[]> {
      return db
        .selectFrom('jobs')
        .selectAll()
        .where('state', '=', state)
        .orderBy('id')
        .limit(limit)
        .execute();
    },

    /** Newest first, so an operator sees the latest failures; `beforeId` pages further back. */
    listRecent(
      db: Queryable,
      filter: { state?: JobRow['state']; beforeId?: number },
      limit: number,
    ): Promise<JobRow[]> {
      let q = db.selectFrom('jobs').selectAll();
      if (filter.state) q = q.where('state', '=', filter.state);
      if (filter.beforeId !== undefined) q = q.where('id', '<', filter.beforeId);
      return q.orderBy('id', 'desc').limit(limit).execute();
    },

    get(db: Queryable, id: number): Promise<JobRow | undefined> {
      return db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
    },

    /**
     * Sends a failed job back to the queue with a fresh set of attempts. Conditional on `failed`, so two admins
     * retrying at once queue it once. The last error stays until the next try replaces it.
     */
    async retry(db: Queryable, id: number, now: number): Promise<JobRow | undefined> {
      return db
        .updateTable('jobs')
        .set({
          state: 'queued',
          attempts: 0,
          run_at: now,
          locked_until: null,
          locked_by: null,
          updated_at: now,
        })
        .where('id', '=', id)
        .where('state', '=', 'failed')
        .returningAll()
        .executeTakeFirst();
    },

    async purgeDone(db: Queryable, before: number): Promise<void> {
      await db.deleteFrom('jobs').where('state', '=', 'done').where('updated_at', '<', before).execute();
    },
  };
}

export type JobsStore = ReturnType<typeof createJobsStore>;
