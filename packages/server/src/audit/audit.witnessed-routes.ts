import { createRoute, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { problem, security, json } from '../adapters/http/openapi-parts.ts';
import { createRouter, principalOf, type AppEnv } from '../adapters/http/context.ts';
import type { AuditWitnessed } from './audit.witnessed.ts';

export const AuditWitnessedReport = z
  .object({
    note: z.string().min(1).max(4000).meta({
      description: 'The signed checkpoint note this device has just verified, as the server served it',
    }),
  })
  .meta({ id: 'AuditWitnessedReport' });

export const AuditWitnessedCheckpoint = z
  .object({
    deviceId: z.string(),
    size: z.number().int().min(0),
    root: z.string().meta({ description: 'Base64 root hash' }),
    note: z.string().meta({ description: 'The signed checkpoint note' }),
    seenAt: z.string().meta({ description: 'When the server took the report' }),
  })
  .meta({ id: 'AuditWitnessedCheckpoint' });

export const AuditWitnessedList = z
  .object({ items: z.array(AuditWitnessedCheckpoint) })
  .meta({ id: 'AuditWitnessedList' });

const problems = {
  401: problem('Not signed in'),
  403: problem('Device not trusted'),
} as const;

export function auditWitnessedRoutes(witnessed: AuditWitnessed, auth: MiddlewareHandler<AppEnv>) {
  const router = createRouter();
  // The audit routes beside these already authenticate /audit/*: do it once.
  const once: MiddlewareHandler<AppEnv> = async (c, next) => (c.get('principal') ? next() : auth(c, next));
  router.use('/audit/witnessed', once);
  router.openapi(
    createRoute({
      method: 'post',
      path: '/audit/witnessed',
      tags: ['audit'],
      summary: 'Report a checkpoint this device verified as a witness',
      description:
        'Kept per device and size, and listed for the account’s exports, so they carry what every device of the account saw. Only a note signed with this log’s key is taken; the same size again keeps the first report.',
      security,
      request: { body: { ...json(AuditWitnessedReport), required: true } },
      responses: {
        201: { description: 'Kept (or already kept)', ...json(AuditWitnessedCheckpoint) },
        400: problem('Not a checkpoint of this log'),
        ...problems,
      },
    }),
    async (c) => c.json(await witnessed.report(principalOf(c), c.req.valid('json').note), 201),
  );
  router.openapi(
    createRoute({
      method: 'get',
      path: '/audit/witnessed',
      tags: ['audit'],
      summary: 'The checkpoints the account’s devices reported they verified',
      security,
      responses: {
        200: { description: 'By size, then device', ...json(AuditWitnessedList) },
        ...problems,
      },
    }),
    async (c) => c.json({ items: await witnessed.list(principalOf(c)) }, 200),
  );
  return router;
}
