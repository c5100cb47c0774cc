import { createRoute, z } from '@hono/zod-openapi';
import { TIMELINE_DEFAULT_LIMIT, TIMELINE_MAX_LIMIT, TimelinePage } from '@shoebox/shared';
import type { MiddlewareHandler } from 'hono';
import { json, problem, security } from '../adapters/http/openapi-parts.ts';
import { createRouter, principalOf, type AppEnv } from '../adapters/http/context.ts';
import type { TimelineService } from './timeline.service.ts';

export function timelineRoutes(service: TimelineService, auth: MiddlewareHandler<AppEnv>) {
  const router = createRouter();
  router.use('/timeline', auth);

  router.openapi(
    createRoute({
      method: 'get',
      path: '/timeline',
      tags: ['photos'],
      summary: 'The whole timeline, compactly: ids, times and sizes as column arrays',
      description: `For clients that show or sync a whole library: about 80 bytes per photo, up to ${TIMELINE_MAX_LIMIT} photos a page, trashed photos left out. Same order and cursors as \`GET /api/photos\` (newest first, equal times by id descending). A photo added while paging that sorts after the cursor appears in a later page; one that sorts before it does not (the change feed reports it).`,
      security,
      request: {
        query: z.object({
          cursor: z.string().max(500).optional(),
          limit: z.coerce.number().int().min(1).max(TIMELINE_MAX_LIMIT).default(TIMELINE_DEFAULT_LIMIT),
        }),
      },
      responses: {
        200: { description: 'A page', ...json(TimelinePage) },
        400: problem('Invalid request or cursor'),
        401: problem('Not signed in'),
        403: problem('Device not trusted'),
      },
    }),
    async (c) => c.json(await service.page(principalOf(c), c.req.valid('query')), 200),
  );

  return router;
}
