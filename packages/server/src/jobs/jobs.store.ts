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
  async function claimWithin(
    trx: Queryable,
    worker: string,
    limit: number,
    now: number,
    leaseUntil: number,
    kinds?: readonly string[],
  ): Promise<JobRow[]> {
    if (limit <= 0) return [];
    let due = trx
      .selectFrom('jobs')
      .select('id')
      .where((eb) =>
        eb.or([
          eb.and([eb('state', '=', 'queued'), eb('run_at', '<=', now)]),
          eb.and([eb('state', '=', 'running'), eb('locked_until', '<', now)]),
        ]),
      );
    if (kinds) due = due.where('kind', 'in', kinds.length > 0 ? [...kinds] : ['']);
    const rows = await features.lockForClaim(due.orderBy('run_at').limit(limit)).execute();
    if (rows.length === 0) return [];
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
        rows.map((d) => d.id),
      )
      .returningAll()
      .execute();
  }

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
     * worker died) is due again. `kinds` limits it to the jobs a runner has handlers for.
     */
    async claim(
      db: Queryable,
      worker: string,
      limit: number,
      now: number,
      leaseUntil: number,
      kinds?: readonly string[],
    ): Promise<JobRow[]> {
      return db.transaction().execute((trx) => claimWithin(trx, worker, limit, now, leaseUntil, kinds));
    },

    /** `claim` inside the caller's transaction (e.g. the one that completes a job: one commit, not two). */
    claimWithin,

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

    /**
     * Jobs per state; `kinds` counts only those (e.g. the media backlog, without housekeeping's next runs), and
     * `hideDoneOf` leaves out the finished runs of those kinds, as `listRecent` does.
     */
    async countByState(
      db: Queryable,
      kinds?: readonly string[],
      hideDoneOf?: readonly string[],
    ): Promise<Record<string, number>> {
      let q = db.selectFrom('jobs').select(['state', (eb) => eb.fn.countAll<number>().as('n')]);
      if (kinds) q = q.where('kind', 'in', kinds.length > 0 ? [...kinds] : ['']);
      if (hideDoneOf && hideDoneOf.length > 0)
        q = q.where((eb) => eb.or([eb('state', '!=', 'done'), eb('kind', 'not in', [...hideDoneOf])]));
      const rows = await q.groupBy('state').execute();
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

    /**
     * Newest first, so an operator sees the latest failures; `beforeId` pages further back. `hideDoneOf` leaves out
     * the finished runs of those kinds (the periodic sweeps), but never their queued, running or failed ones.
     */
    listRecent(
      db: Queryable,
      filter: { state?: JobRow['state']; beforeId?: number; hideDoneOf?: readonly string[] },
      limit: number,
    ): Promise<JobRow[]> {
      let q = db.selectFrom('jobs').selectAll();
      if (filter.state) q = q.where('state', '=', filter.state);
      if (filter.beforeId !== undefined) q = q.where('id', '<', filter.beforeId);
      const hidden = filter.hideDoneOf;
      if (hidden && hidden.length > 0)
        q = q.where((eb) => eb.or([eb('state', '!=', 'done'), eb('kind', 'not in', [...hidden])]));
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
