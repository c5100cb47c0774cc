import type { Db, Queryable } from '../adapters/db/database.ts';
import type { JobRow } from '../adapters/db/schema.ts';
import type { Clock } from '../platform/clock.ts';
import { newId } from '../platform/ids.ts';
import type { Logger } from '../platform/logger.ts';
import type { JobsStore } from './jobs.store.ts';

/**
 * What a finished job still has to record. Its writes share the transaction that marks the job done: one commit
 * per job rather than two, which matters because a SQLite commit fsyncs on the event loop.
 */
export interface JobOutcome {
  write?: (trx: Queryable) => Promise<void>;
  /** Runs once that transaction has committed: events, which must not announce what could still roll back. */
  committed?: () => void;
}

export type JobHandler = (payload: unknown, job: JobRow) => Promise<JobOutcome | void>;

export interface JobRunnerOptions {
  db: Db;
  store: JobsStore;
  clock: Clock;
  log: Logger;
  handlers: Record<string, JobHandler>;
  /** Jobs run at once by this process. */
  concurrency: number;
  /** How long a claimed job belongs to this worker before others may take it over. */
  leaseMs?: number;
  /** Poll interval when idle; `wake()` cuts it short when work arrives. */
  idleMs?: number;
}

/**
 * A bounded pool that runs queued jobs. Work arrives through `wake()` (same process) or by polling (other
 * instances), so no job waits longer than one idle interval.
 */
export function createJobRunner(options: JobRunnerOptions) {
  const { db, store, clock, log, handlers, concurrency } = options;
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  const idleMs = options.idleMs ?? 1000;
  const worker = `worker-${newId()}`;
  const kinds = Object.keys(handlers);
  let running = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let pumping = false;
  const inFlight = new Set<Promise<unknown>>();

  async function pump(): Promise<void> {
    if (pumping || stopped) return;
    pumping = true;
    try {
      while (!stopped && running < concurrency) {
        const now = clock.now();
        // Only kinds this runner handles: housekeeping and media jobs have runners of their own.
        const jobs = await store.claim(db, worker, concurrency - running, now, now + leaseMs, kinds);
        if (jobs.length === 0) break;
        for (const job of jobs) start(job);
      }
    } catch (err) {
      log.error({ err }, 'job claim failed');
    } finally {
      pumping = false;
    }
    schedule();
  }

  function start(job: JobRow): void {
    running++;
    let next: JobRow[] = [];
    const task = run(job)
      .then((claimed) => (next = claimed))
      .finally(() => {
        running--;
        inFlight.delete(task);
        // The successor claimed with this job's completion takes its place at once: no claim of its own.
        for (const successor of next) start(successor);
        void pump();
      });
    inFlight.add(task);
  }

  /** Runs `job`; returns the job claimed in its place when it completed (none when stopping or none is due). */
  async function run(job: JobRow): Promise<JobRow[]> {
    const handler = handlers[job.kind];
    let committed: (() => void) | undefined;
    let next: JobRow[] = [];
    try {
      if (!handler) throw new Error(`No handler for job kind ${job.kind}`);
      const outcome = await handler(JSON.parse(job.payload), job);
      const write = outcome?.write;
      // The job's writes, its completion and the claim of its successor share one commit (a SQLite commit
      // fsyncs on the event loop): with a backlog, each job costs one commit, and the slot it frees is filled
      // without waiting for a claim.
      next = await db.transaction().execute(async (trx) => {
        if (write) await write(trx);
        const now = clock.now();
        await store.complete(trx, job.id, now);
        if (stopped) return [];
        return store.claimWithin(trx, worker, 1, now, now + leaseMs, kinds);
      });
      committed = outcome?.committed;
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      const now = clock.now();
      // Exponential backoff: 2 s, 4 s, 8 s … capped at 10 minutes.
      const retryAt = now + Math.min(600_000, 1000 * 2 ** job.attempts);
      const outcome = await store.fail(db, job, reason, now, retryAt).catch(() => 'retry');
      log.warn({ jobId: job.id, kind: job.kind, attempt: job.attempts, outcome, reason }, 'job failed');
    }
    // Apart from the job's own try: it is done, so a throwing listener must not send it back to the queue.
    try {
      committed?.();
    } catch (err) {
      log.error({ err, jobId: job.id, kind: job.kind }, 'job listener failed');
    }
    return next;
  }

  function schedule(): void {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => void pump(), idleMs);
    timer.unref();
  }

  return {
    start(): void {
      stopped = false;
      void pump();
    },
    /** Something was enqueued: look now rather than at the next poll. */
    wake(): void {
      void pump();
    },
    /** Stops taking work and waits for running jobs to finish. */
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      // A job finishing now may have claimed a successor just before: wait for that one too.
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    get running() {
      return running;
    },
  };
}

export type JobRunner = ReturnType<typeof createJobRunner>;
