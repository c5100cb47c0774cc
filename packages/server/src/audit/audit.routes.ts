import { createRoute, z } from '@hono/zod-openapi';

import type { MiddlewareHandler } from 'hono';
import { problem, security, json } from '../adapters/http/openapi-parts.ts';
import { createRouter, principalOf, type AppEnv } from '../adapters/http/context.ts';
import {
  AuditCheckpoint,
  AuditConsistencyProof,
  AuditEventsPage,
  AuditInclusionProof,
  AuditKey,
  AuditLeavesPage,
} from './audit.schemas.ts';
import { MAX_LEAVES_PAGE, type AuditService } from './audit.service.ts';

const problems = {
  400: problem('Invalid request'),
  401: problem('Not signed in'),
  403: problem('Device not trusted'),
} as const;
const index = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const tags = ['audit'];

export function auditRoutes(service: AuditService, auth: MiddlewareHandler<AppEnv>) {
  const router = createRouter();
  router.use('/audit/*', auth);

  router.openapi(
    createRoute({
      method: 'get',
      path: '/audit/checkpoint',
      tags,
      summary: 'The latest signed tree head of the audit log',
      description:
        'A C2SP checkpoint (signed note) and the verifier key to pin. Keep it, and ask for a consistency proof from it next time.',
      security,
      responses: {
        200: { description: 'Latest checkpoint', ...json(AuditCheckpoint) },
        503: problem('No checkpoint signed yet'),
        ...problems,
      },
    }),
    async (c) => c.json(await service.checkpoint(principalOf(c)), 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/audit/proofs/inclusion',
      tags,
      summary: 'Audit path of entry `seq` in the tree of the first `size` entries',
      security,
      request: { query: z.object({ seq: index, size: index }) },
      responses: { 200: { description: 'Inclusion proof', ...json(AuditInclusionProof) }, ...problems },
    }),
    async (c) => {
      const { seq, size } = c.req.valid('query');
      return c.json(await service.inclusion(principalOf(c), seq, size), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/audit/proofs/consistency',
      tags,
      summary: 'Proof that the tree of `to` entries extends the tree of `from` entries',
      security,
      request: { query: z.object({ from: index, to: index }) },
      responses: { 200: { description: 'Consistency proof', ...json(AuditConsistencyProof) }, ...problems },
    }),
    async (c) => {
      const { from, to } = c.req.valid('query');
      return c.json(await service.consistency(principalOf(c), from, to), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/audit/events',
      tags,
      summary: 'Your account’s audit events, with what is needed to recompute each leaf',
      description:
        'Oldest first. Recompute tag = HMAC-SHA256(key, u64be(seq)) with `/audit/key` and commitment = SHA-256(salt ‖ event), compare with the leaf, then check its inclusion proof.',
      security,
      request: {
        query: z.object({
          cursor: z.string().max(20).optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(200),
        }),
      },
      responses: { 200: { description: 'A page of events', ...json(AuditEventsPage) }, ...problems },
    }),
    async (c) => {
      const { cursor, limit } = c.req.valid('query');
      return c.json(await service.events(principalOf(c), cursor, limit), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/audit/key',
      tags,
      summary: 'Your account’s audit key, to open your leaves and scan for undisclosed ones',
      security,
      responses: { 200: { description: 'The key', ...json(AuditKey) }, ...problems },
    }),
    async (c) => c.json(await service.key(principalOf(c)), 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/audit/leaves',
      tags,
      summary: 'Raw leaves from <= seq < to, for the tag scan',
      description: `At most ${MAX_LEAVES_PAGE} per page. A leaf whose tag matches your key at its seq but that /audit/events did not list is an undisclosed event about you.`,
      security,
      request: { query: z.object({ from: index, to: index }) },
      responses: { 200: { description: 'Leaves', ...json(AuditLeavesPage) }, ...problems },
    }),
    async (c) => {
      const { from, to } = c.req.valid('query');
      return c.json(await service.leaves(principalOf(c), from, to), 200);
    },
  );

  return router;
}
