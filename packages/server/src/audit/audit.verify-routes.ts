import { createRoute, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { requireAdmin } from '../accounts/accounts.service.ts';
import { createRouter, principalOf, type AppEnv } from '../adapters/http/context.ts';
import { json, problem, security } from '../adapters/http/openapi-parts.ts';
import type { AuditFullCheck } from './audit.full-check.ts';

export const AuditVerifyResult = z
  .object({
    ok: z
      .boolean()
      .meta({ description: 'false: the log no longer matches what was signed; signing has stopped' }),
    size: z
      .number()
      .int()
      .min(0)
      .meta({ description: 'Entries verified (on failure: how far the pass got)' }),
    root: z.string().optional().meta({ description: 'Hex tree root at that size' }),
    problem: z.string().optional().meta({ description: 'What does not add up' }),
    startedAt: z.string(),
    durationMs: z.number().int().min(0),
    longestBlockMs: z
      .number()
      .int()
      .min(0)
      .meta({ description: 'Longest stretch the pass held the event loop between two pages' }),
    cleared: z.object({ id: z.number().int(), reason: z.string() }).optional().meta({
      description: 'The signing halt this passing run cleared (recorded on the log as audit.halt-cleared)',
    }),
    halted: z
      .string()
      .optional()
      .meta({ description: 'Why checkpoint signing is still halted on every instance, if it is' }),
  })
  .meta({ id: 'AuditVerifyResult' });

export function auditVerifyRoutes(check: AuditFullCheck, auth: MiddlewareHandler<AppEnv>) {
  const router = createRouter();
  // Other routers may already have authenticated /admin/*: do it once.
  const once: MiddlewareHandler<AppEnv> = async (c, next) => (c.get('principal') ? next() : auth(c, next));
  router.use('/admin/audit/verify', once);
  router.openapi(
    createRoute({
      method: 'post',
      path: '/admin/audit/verify',
      tags: ['admin'],
      summary: 'Re-derive the whole audit log now, as the daily housekeeping.audit-verify job does (admin)',
      description:
        'Start-up only re-derives entries appended since the last full verification; this catches rows rewritten below it. On failure every instance stops signing checkpoints and its /healthz reports the problem. A passing run clears a signing halt that was in place when it began (an audit.halt-cleared entry on the admin’s log), and signing resumes. A run already in progress is joined.',
      security,
      responses: {
        200: { description: 'The result, passed or not', ...json(AuditVerifyResult) },
        401: problem('Not signed in'),
        403: problem('Not an admin'),
      },
    }),
    async (c) => {
      const actor = principalOf(c);
      requireAdmin(actor);
      const result = await check.run(actor);
      return c.json({ ...result, startedAt: new Date(result.startedAt).toISOString() }, 200);
    },
  );
  return router;
}
