import { createRoute, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { createRouter, principalOf, type AppEnv } from '../adapters/http/context.ts';
import { json, problem, security } from '../adapters/http/openapi-parts.ts';
import { Job, JobsPage, JobsQuery } from './jobs.schemas.ts';
import type { JobsService } from './jobs.service.ts';

const tags = ['admin'];
const problems = {
  400: problem('Invalid request'),
  401: problem('Not signed in'),
  403: problem('Not an admin'),
} as const;

export function jobsRoutes(service: JobsService, auth: MiddlewareHandler<AppEnv>) {
  const router = createRouter();
  router.use('/admin/jobs', auth);
  router.use('/admin/jobs/*', auth);

  router.openapi(
    createRoute({
      method: 'get',
      path: '/admin/jobs',
      tags,
      summary:
        'Background jobs, newest first; `state=failed` lists those that gave up, with why; succeeded housekeeping sweeps only with `all=true` (admin)',
      security,
      request: { query: JobsQuery },
      responses: { 200: { description: 'Jobs', ...json(JobsPage) }, ...problems },
    }),
    async (c) => c.json(await service.list(principalOf(c), c.req.valid('query')), 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/admin/jobs/{id}/retry',
      tags,
      summary: 'Queue a failed job again, with a fresh set of attempts (admin)',
      security,
      request: { params: z.object({ id: z.string().min(1).max(64) }) },
      responses: {
        200: { description: 'Queued again', ...json(Job) },
        404: problem('No such job'),
        409: problem('The job has not failed'),
        ...problems,
      },
    }),
    async (c) => c.json(await service.retry(principalOf(c), c.req.valid('param').id), 200),
  );

  return router;
}
