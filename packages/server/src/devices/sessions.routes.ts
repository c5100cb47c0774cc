import { createRoute, z } from '@hono/zod-openapi';
import { Problem } from '@shoebox/shared';
import type { MiddlewareHandler } from 'hono';
import { createRouter, principalOf, type AppEnv } from '../adapters/http/context.ts';
import { SessionList } from './sessions.schemas.ts';
import type { SessionsService } from './sessions.service.ts';

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: Problem } },
});
const problems = {
  400: problem('Invalid request'),
  401: problem('Not signed in'),
  403: problem('This device is not trusted (yet)'),
} as const;

const IdParam = z.object({ id: z.string().min(1).max(64) });

export function sessionsRoutes(service: SessionsService, auth: MiddlewareHandler<AppEnv>) {
  const router = createRouter();
  router.use('/sessions', auth);
  router.use('/sessions/*', auth);

  router.openapi(
    createRoute({
      method: 'get',
      path: '/sessions',
      tags: ['devices'],
      summary: "The account's live sessions",
      description:
        'Every session of the account that still works (not ended, not expired), most recently used first; `current` marks the one of this request.',
      security: [{ bearer: [] }],
      responses: {
        200: { description: 'Sessions', content: { 'application/json': { schema: SessionList } } },
        ...problems,
      },
    }),
    async (c) => c.json({ items: await service.list(principalOf(c)) }, 200),
  );

  router.openapi(
    createRoute({
      method: 'delete',
      path: '/sessions/{id}',
      tags: ['devices'],
      summary: 'End a session',
      description:
        'Ends one session of the account at once: its token is refused from the next request and its live socket closes. Recorded as `session.ended` in the account’s audit log. Its device stays (remove the device to keep it out).',
      security: [{ bearer: [] }],
      request: { params: IdParam },
      responses: {
        204: { description: 'Ended' },
        ...problems,
        404: problem('No such live session in this account'),
      },
    }),
    async (c) => {
      await service.end(principalOf(c), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  return router;
}
