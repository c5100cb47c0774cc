import { createRoute, z } from '@hono/zod-openapi';
import { EvidenceEntries, EvidenceEntriesRequest, ExplainReport, PhotoProvenance } from '@shoebox/shared';
import type { MiddlewareHandler } from 'hono';
import { problem, security, json } from '../adapters/http/openapi-parts.ts';
import { createRouter, principalOf, type AppEnv } from '../adapters/http/context.ts';
import { AppError } from '../errors.ts';
import { EXPLAIN_DEFAULT_LIMIT, type EvidenceService } from './evidence.service.ts';

const problems = {
  400: problem('Invalid request'),
  401: problem('Not signed in'),
  403: problem('Device not trusted'),
} as const;
const tags = ['evidence'];
const id = z.string().min(1).max(64);

export function evidenceRoutes(service: EvidenceService, auth: MiddlewareHandler<AppEnv>) {
  const router = createRouter();
  // /photos/* may already be authenticated by the photos routes mounted beside these: do it once.
  const once: MiddlewareHandler<AppEnv> = async (c, next) => (c.get('principal') ? next() : auth(c, next));
  router.use('/photos/:id/provenance', once);
  router.use('/explain', once);
  router.use('/evidence/*', once);

  router.openapi(
    createRoute({
      method: 'get',
      path: '/photos/{id}/provenance',
      tags,
      summary: 'How a photo got into this library and onto which devices, each claim citing its audit entry',
      security,
      request: { params: z.object({ id }) },
      responses: {
        200: { description: 'Provenance', ...json(PhotoProvenance) },
        404: problem('No such photo'),
        ...problems,
      },
    }),
    async (c) => c.json(await service.provenance(principalOf(c), c.req.valid('param').id), 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/explain',
      tags,
      summary: 'Everything on a device grouped by origin, with anomalies first',
      description:
        'By default the photos the delivery records put on the calling device (`device` picks another of the account’s devices, `scope=library` takes the whole library, `photo` one photo). Every statement cites audit entries; fetch them with `POST /evidence/entries`.',
      security,
      request: {
        query: z.object({
          device: id.optional(),
          photo: id.optional(),
          scope: z.enum(['delivered', 'library']).default('delivered'),
          limit: z.coerce.number().int().min(0).max(100_000).default(EXPLAIN_DEFAULT_LIMIT),
          account: id.optional().meta({
            description: 'Support staff: another account (needs `device` and `reason`; recorded in its log)',
          }),
          reason: z.string().max(500).optional(),
        }),
      },
      responses: {
        200: { description: 'The report', ...json(ExplainReport) },
        404: problem('No such device or photo'),
        ...problems,
        403: problem('Device not trusted, or not staff / no reason given for another account'),
      },
    }),
    async (c) => {
      const { device, photo, scope, limit, account, reason } = c.req.valid('query');
      const actor = principalOf(c);
      const q = { ...(photo ? { photoId: photo } : {}), library: scope === 'library', limit };
      if (account && account !== actor.account.id) {
        if (!device) throw new AppError('bad_request', 'Name the device to explain (device=ID).');
        return c.json(await service.explainForStaff(actor, account, reason, { ...q, deviceId: device }), 200);
      }
      return c.json(await service.explain(actor, { ...q, ...(device ? { deviceId: device } : {}) }), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/evidence/entries',
      tags,
      summary: 'Your cited audit entries with their inclusion proofs in the tree of `size` entries',
      description:
        'Open each with your audit key (`/audit/key`) and check its proof against a checkpoint of that size. Entries of other accounts are left out.',
      security,
      request: { body: { ...json(EvidenceEntriesRequest), required: true } },
      responses: { 200: { description: 'Entries and proofs', ...json(EvidenceEntries) }, ...problems },
    }),
    async (c) => {
      const { seqs, size } = c.req.valid('json');
      return c.json(await service.entries(principalOf(c), seqs, size), 200);
    },
  );

  return router;
}
