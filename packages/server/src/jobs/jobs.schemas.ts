// Wire shapes of the admin jobs API: what an operator needs to see why background work stopped.
import { z } from '@hono/zod-openapi';

export const JobStateName = z.enum(['queued', 'running', 'done', 'failed']).meta({ id: 'JobState' });

export const Job = z
  .object({
    id: z.number().int(),
    kind: z.string(),
    state: JobStateName,
    attempts: z.number().int(),
    maxAttempts: z.number().int(),
    /** Why the last try failed: for a failed job, why it gave up. */
    lastError: z.string().nullable(),
    payload: z.unknown().meta({ description: 'What the job works on (e.g. a blob SHA-256)' }),
    runAt: z.string().meta({ description: 'When it runs (next), or ran last' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Job' });
export type Job = z.infer<typeof Job>;

export const MAX_JOBS_PAGE = 500;

export const JobsQuery = z.object({
  state: JobStateName.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_JOBS_PAGE).optional(),
  before: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .meta({ description: 'Only jobs with a smaller id (the next page: the last id seen)' }),
  all: z.enum(['true', 'false']).optional().meta({
    description:
      'true: list the periodic housekeeping sweeps that succeeded too. By default they are left out (one every 15 s would crowd the list); their queued, running and failed runs are always listed.',
  }),
});

export const JobsPage = z
  .object({
    items: z.array(Job),
    /** Jobs per state, over the whole queue (without the succeeded housekeeping sweeps unless `all=true`). */
    counts: z.record(z.string(), z.number().int()),
  })
  .meta({ id: 'JobsPage' });
