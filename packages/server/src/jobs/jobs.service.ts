import type { Db } from '../adapters/db/database.ts';
import type { JobRow, JobState } from '../adapters/db/schema.ts';
import { requireAdmin } from '../accounts/accounts.service.ts';
import { AppError, notFound } from '../errors.ts';
import type { Clock } from '../platform/clock.ts';
import type { EventBus } from '../platform/events.ts';
import type { Principal } from '../platform/principal.ts';
import { HOUSEKEEPING } from './housekeeping.ts';
import type { Job } from './jobs.schemas.ts';
import type { JobsStore } from './jobs.store.ts';

export interface JobsServiceDeps {
  db: Db;
  store: JobsStore;
  clock: Clock;
  events: EventBus;
}

/** The admin's view of the durable queue: list jobs (failed ones with their reason) and send failed ones back. */
export function createJobsService({ db, store, clock, events }: JobsServiceDeps) {
  return {
    async list(
      actor: Principal,
      filter: { state?: JobState; before?: number; limit?: number; all?: 'true' | 'false' },
    ): Promise<{ items: Job[]; counts: Record<string, number> }> {
      requireAdmin(actor);
      // Finished sweeps (one every 15 s) would bury the media work; their failures always show.
      const hideDoneOf = filter.all === 'true' ? undefined : Object.values(HOUSEKEEPING);
      const rows = await store.listRecent(
        db,
        {
          ...(filter.state ? { state: filter.state } : {}),
          ...(filter.before ? { beforeId: filter.before } : {}),
          ...(hideDoneOf ? { hideDoneOf } : {}),
        },
        filter.limit ?? 100,
      );
      return { items: rows.map(toJob), counts: await store.countByState(db, undefined, hideDoneOf) };
    },

    /** `id` is the path segment as given: anything but a job's id is "not found", after the role check. */
    async retry(actor: Principal, id: string): Promise<Job> {
      requireAdmin(actor);
      const jobId = /^\d{1,15}$/.test(id) ? Number(id) : undefined;
      const existing = jobId === undefined ? undefined : await store.get(db, jobId);
      if (!existing || jobId === undefined) throw notFound('Job');
      const queued = await store.retry(db, jobId, clock.now());
      if (!queued)
        throw new AppError('conflict', `Job ${jobId} is ${existing.state}; only failed jobs can be retried.`);
      events.emit('jobs.enqueued', { kind: queued.kind });
      return toJob(queued);
    },
  };
}

export type JobsService = ReturnType<typeof createJobsService>;

function toJob(row: JobRow): Job {
  return {
    id: Number(row.id),
    kind: row.kind,
    state: row.state,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    lastError: row.last_error,
    payload: parsePayload(row.payload),
    runAt: iso(row.run_at),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

const iso = (ms: number) => new Date(Number(ms)).toISOString();

function parsePayload(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
