import { createRoute, z } from '@hono/zod-openapi';
import { FleetImportList, StaffLookPage } from '@shoebox/shared';
import type { MiddlewareHandler } from 'hono';
import { createRouter, principalOf, type AppEnv } from '../adapters/http/context.ts';
import { json, problem, security } from '../adapters/http/openapi-parts.ts';
import type { FleetReviewService } from './fleet-review.service.ts';

const problems = {
  400: problem('Invalid request'),
  401: problem('Not signed in'),
  403: problem('Not an admin, or not from a trusted device'),
} as const;

export function fleetReviewRoutes(service: FleetReviewService, auth: MiddlewareHandler<AppEnv>) {
  const router = createRouter();
  // Other routers guard /fleet/* and /admin/* too; authenticate once however the routers are merged.
  const once: MiddlewareHandler<AppEnv> = async (c, next) => (c.get('principal') ? next() : auth(c, next));
  router.use('/fleet/imports', once);
  router.use('/admin/staff-looks', once);

  router.openapi(
    createRoute({
      method: 'get',
      path: '/fleet/imports',
      tags: ['fleet'],
      summary: 'Past fleet imports: who, when, which file, how many rows (admin)',
      description:
        'The latest 200, newest first. Only whole files are ever stored, so each lists no bad rows.',
      security,
      responses: { 200: { description: 'Imports', ...json(FleetImportList) }, ...problems },
    }),
    async (c) => c.json({ items: await service.imports(principalOf(c)) }, 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/admin/staff-looks',
      tags: ['admin'],
      summary: 'Every look by support staff or admins at an account’s records, server-wide (admin)',
      description: 'Newest first, from the audit log: who looked at which account, when, what and why.',
      security,
      request: {
        query: z.object({
          limit: z.coerce.number().int().min(1).max(500).default(100),
          before: z.coerce.number().int().min(0).optional(),
        }),
      },
      responses: { 200: { description: 'Looks', ...json(StaffLookPage) }, ...problems },
    }),
    async (c) => {
      const { limit, before } = c.req.valid('query');
      return c.json(await service.staffLooks(principalOf(c), limit, before), 200);
    },
  );

  return router;
}
