import type { Db, Queryable } from '../adapters/db/database.ts';
import type { DbFeatures } from '../adapters/db/features.ts';
import type { JobRow } from '../adapters/db/schema.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import type { JobHandler } from './job-runner.ts';
import type { JobsStore } from './jobs.store.ts';

/** A sweep that runs once per period on the whole deployment, however many instances serve it. */
export interface PeriodicJob {
  kind: string;
  periodMs: number;
  maxAttempts?: number;
  run(): Promise<void>;
}

export interface JobScheduleDeps {
  db: Db;
  features: Pick<DbFeatures, 'jobScheduleLock'>;
  store: JobsStore;
  clock: Clock;
  log: Logger;
  jobs: readonly PeriodicJob[];
  /** How often each instance checks that every sweep has its next run queued (default: a third of the shortest period, 1–60 s). */
  checkMs?: number;
}

/** What a periodic job's row carries: the period it is the run for, so "once per period" can be checked. */
export interface PeriodicPayload {
  slot: number;
  periodMs: number;
}

const PENDING = ['queued', 'running'] as const;

/**
 * Periodic jobs in the durable queue. Each sweep has one pending row at a time (queued or running) holding its
 * next run; whoever finishes a run queues the next in the transaction that marks it done, and every instance checks
 * now and then (start-up included) that the row exists, under one database lock, so N instances queue it once.
 * A run that fails retries with backoff and ends failed and visible like any job; the next period gets a new row.
 */
export function createJobSchedule(deps: JobScheduleDeps) {
  const { db, features, store, clock, log } = deps;
  const byKind = new Map(deps.jobs.map((j) => [j.kind, j]));
  const shortest = Math.min(...deps.jobs.map((j) => j.periodMs));
  const checkMs = deps.checkMs ?? Math.min(60_000, Math.max(1000, Math.floor(shortest / 3)));
  let timer: NodeJS.Timeout | undefined;

  const periodStart = (now: number, periodMs: number) => Math.floor(now / periodMs) * periodMs;

  async function enqueue(trx: Queryable, job: PeriodicJob, slot: number, runAt: number, now: number) {
    const payload: PeriodicPayload = { slot, periodMs: job.periodMs };
    await store.enqueue(trx, { kind: job.kind, payload, runAt, maxAttempts: job.maxAttempts ?? 3 }, now);
  }

  function pendingOf(trx: Queryable, kind: string, except?: number): Promise<JobRow[]> {
    let q = trx
      .selectFrom('jobs')
      .selectAll()
      .where('kind', '=', kind)
      .where('state', 'in', [...PENDING]);
    if (except !== undefined) q = q.where('id', '!=', except);
    return q.execute();
  }

  /** Queues what is missing; pulls in a next run left far ahead by a clock that went back. Returns rows added. */
  async function ensure(): Promise<number> {
    const now = clock.now();
    return db.transaction().execute(async (trx) => {
      await features.jobScheduleLock(trx);
      let added = 0;
      for (const job of byKind.values()) {
        const current = periodStart(now, job.periodMs);
        const pending = await pendingOf(trx, job.kind);
        if (pending.length > 0) {
          for (const row of pending) {
            if (row.state !== 'queued' || Number(row.run_at) <= now + job.periodMs) continue;
            const payload: PeriodicPayload = { slot: current, periodMs: job.periodMs };
            await trx
              .updateTable('jobs')
              .set({ run_at: now, payload: JSON.stringify(payload), updated_at: now })
              .where('id', '=', row.id)
              .where('state', '=', 'queued')
              .execute();
          }
          continue;
        }
        // No pending row: the first ever, or the last run failed for good. A period that already had its run
        // (even a failed one) waits for the next; otherwise this period's run is due now.
        const last = await trx
          .selectFrom('jobs')
          .select('payload')
          .where('kind', '=', job.kind)
          .orderBy('id', 'desc')
          .limit(1)
          .executeTakeFirst();
        const lastSlot = last ? slotOf(last.payload) : undefined;
        const hadRun = lastSlot !== undefined && lastSlot >= current && lastSlot < current + job.periodMs;
        await enqueue(
          trx,
          job,
          hadRun ? current + job.periodMs : current,
          hadRun ? current + job.periodMs : now,
          now,
        );
        added++;
      }
      return added;
    });
  }

  /** The queue handler of a periodic job: runs the sweep, and queues the next period with the completion. */
  function handler(job: PeriodicJob): JobHandler {
    return async (_payload, row) => {
      await job.run();
      return {
        write: async (trx) => {
          await features.jobScheduleLock(trx);
          // Another pending row of this kind (an admin retried a failed run) already carries the schedule.
          if ((await pendingOf(trx, job.kind, Number(row.id))).length > 0) return;
          const now = clock.now();
          const next = periodStart(now, job.periodMs) + job.periodMs;
          await enqueue(trx, job, next, next, now);
        },
      };
    };
  }

  const check = () =>
    void ensure().catch((err: unknown) => log.error({ err }, 'could not check the job schedule'));

  return {
    ensure,
    handlers: Object.fromEntries(deps.jobs.map((j) => [j.kind, handler(j)])) as Record<string, JobHandler>,
    /** Queues the next runs now and keeps checking; the caller awaits it before starting the runner. */
    async start(): Promise<void> {
      await ensure();
      clearInterval(timer);
      timer = setInterval(check, checkMs);
      timer.unref();
    },
    stop(): void {
      clearInterval(timer);
      timer = undefined;
    },
  };
}

export type JobSchedule = ReturnType<typeof createJobSchedule>;

function slotOf(payload: string): number | undefined {
  try {
    const slot = (JSON.parse(payload) as Partial<PeriodicPayload>).slot;
    return typeof slot === 'number' ? slot : undefined;
  } catch {
    return undefined;
  }
}
