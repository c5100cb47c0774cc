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
  let running = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let pumping = false;
  const inFlight = new Set<Promise<void>>();

  async function pump(): Promise<void> {
    if (pumping || stopped) return;
    pumping = true;
    try {
      while (!stopped && running < concurrency) {
        const now = clock.now();
        const jobs = await store.claim(db, worker, concurrency - running, now, now + leaseMs);
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
    const task = run(job).finally(() => {
      running--;
      inFlight.delete(task);
      void pump();
    });
    inFlight.add(task);
  }

  async function run(job: JobRow): Promise<void> {
    const handler = handlers[job.kind];
    let committed: (() => void) | undefined;
    try {
      if (!handler) throw new Error(`No handler for job kind ${job.kind}`);
      const outcome = await handler(JSON.parse(job.payload), job);
      const write = outcome?.write;
      if (write) {
        await db.transaction().execute(async (trx) => {
          await write(trx);
          await store.complete(trx, job.id, clock.now());
        });
      } else {
        await store.complete(db, job.id, clock.now());
      }
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
      await Promise.allSettled([...inFlight]);
    },
    get running() {
      return running;
    },
  };
}

export type JobRunner = ReturnType<typeof createJobRunner>;
