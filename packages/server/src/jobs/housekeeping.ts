import type { Db } from '../adapters/db/database.ts';
import type { DbFeatures } from '../adapters/db/features.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/logger.ts';
import { createJobRunner } from './job-runner.ts';
import type { JobsStore } from './jobs.store.ts';
import { createJobSchedule, type PeriodicJob } from './schedule.ts';

export interface HousekeepingDeps {
  db: Db;
  features: Pick<DbFeatures, 'jobScheduleLock'>;
  store: JobsStore;
  photos: { expireTrash(before: number): Promise<number> };
  /** Sign-in attempts: expire overdue ones, tell owners about sign-ins left half-finished. */
  trust?: { expireOverdue(): Promise<number>; noticeHalfFinished(): Promise<number> };
  /** Sessions: end the ones that ran out (closing their sockets), delete long-expired ones. */
  sessions?: { markExpired(): Promise<number>; deleteExpired(): Promise<number> };
  /** The full audit log re-derivation (audit/audit.full-check.ts): throws when the log does not add up. */
  auditVerify?: { job(): Promise<void> };
  trashDays: number;
  clock: Clock;
  log: Logger;
  intervalMs?: number;
  /** Security checks run often: a half-finished sign-in is announced 3 minutes after it began. */
  securityIntervalMs?: number;
}

/** The periodic sweeps, as their jobs are named in the queue (`shoebox jobs`, `GET /api/admin/jobs`). */
export const HOUSEKEEPING = {
  trash: 'housekeeping.trash',
  sessions: 'housekeeping.sessions',
  security: 'housekeeping.security',
  jobs: 'housekeeping.jobs',
  auditVerify: 'housekeeping.audit-verify',
} as const;

const DAY_MS = 24 * 3600_000;
/** Finished sweeps stay listed this long; the 15-second one alone would otherwise add 5,760 rows a day. */
export const SWEEP_HISTORY_MS = DAY_MS;

/**
 * Periodic chores — the trash retention, the end of sessions, the timed parts of device trust, the daily full
 * audit log verification — as periodic jobs in the durable queue: each runs once per period on the whole
 * deployment, survives restarts, retries with backoff and ends failed (with the reason) for the admin to see. State lives in the rows the sweeps read, so a
 * run that comes late catches up.
 */
export function createHousekeeping(deps: HousekeepingDeps) {
  const { db, clock, log } = deps;
  const hourly = deps.intervalMs ?? 3600_000;

  async function expireTrash(): Promise<void> {
    let total = 0;
    for (;;) {
      const n = await deps.photos.expireTrash(clock.now() - deps.trashDays * DAY_MS);
      total += n;
      if (n === 0) break;
    }
    if (total > 0) log.info({ deleted: total }, 'expired photos from the trash');
  }

  async function deleteSessions(): Promise<void> {
    const sessions = (await deps.sessions?.deleteExpired()) ?? 0;
    if (sessions > 0) log.info({ deleted: sessions }, 'deleted expired sessions');
  }

  async function security(): Promise<void> {
    await deps.sessions?.markExpired();
    if (!deps.trust) return;
    await deps.trust.noticeHalfFinished();
    await deps.trust.expireOverdue();
  }

  async function purgeSweeps(): Promise<void> {
    await db
      .deleteFrom('jobs')
      .where('kind', 'in', Object.values(HOUSEKEEPING))
      .where('state', '=', 'done')
      .where('updated_at', '<', clock.now() - SWEEP_HISTORY_MS)
      .execute();
  }

  const jobs: PeriodicJob[] = [
    { kind: HOUSEKEEPING.trash, periodMs: hourly, run: expireTrash },
    { kind: HOUSEKEEPING.sessions, periodMs: hourly, run: deleteSessions },
    { kind: HOUSEKEEPING.security, periodMs: deps.securityIntervalMs ?? 15_000, run: security },
    { kind: HOUSEKEEPING.jobs, periodMs: hourly, run: purgeSweeps },
  ];
  const auditVerify = deps.auditVerify;
  // Two tries: a database hiccup gets a second chance, a log that does not add up fails the same way again.
  if (auditVerify)
    jobs.push({
      kind: HOUSEKEEPING.auditVerify,
      periodMs: DAY_MS,
      maxAttempts: 2,
      run: () => auditVerify.job(),
    });
  const schedule = createJobSchedule({ db, features: deps.features, store: deps.store, clock, log, jobs });
  // A runner of its own (one at a time): sweeps never wait behind a thumbnail backlog, and run with no media workers.
  const runner = createJobRunner({
    db,
    store: deps.store,
    clock,
    log,
    handlers: schedule.handlers,
    concurrency: 1,
  });

  return {
    schedule,
    runner,
    async start(): Promise<void> {
      await schedule.start();
      runner.start();
    },
    async stop(): Promise<void> {
      schedule.stop();
      await runner.stop();
    },
  };
}

export type Housekeeping = ReturnType<typeof createHousekeeping>;
