import { createRoute, z } from '@hono/zod-openapi';
import { PhotoDelivery, SyncAck, SyncChangesPage, SyncState, type SnapshotLine } from '@shoebox/shared';
import type { MiddlewareHandler } from 'hono';
import { problem, security, json } from '../adapters/http/openapi-parts.ts';
import { createRouter, principalOf, type AppEnv } from '../adapters/http/context.ts';
import type { DevicesService } from '../devices/devices.service.ts';
import type { SyncService } from './sync.service.ts';

const problems = {
  400: problem('Invalid request'),
  401: problem('Not signed in'),
  403: problem('Device not trusted'),
  410: problem('Cursor reset: re-read the snapshot'),
} as const;

export function syncRoutes(service: SyncService, devices: DevicesService, auth: MiddlewareHandler<AppEnv>) {
  const router = createRouter();
  router.use('/sync/*', auth);

  router.openapi(
    createRoute({
      method: 'get',
      path: '/sync/changes',
      tags: ['sync'],
      summary: 'Changes to the library after a cursor',
      description:
        'Pages of changes in commit order. Without a cursor the feed starts at the beginning; a new device should read `/sync/snapshot` instead. An unusable cursor is answered with 410 `cursor_reset`.',
      security,
      request: {
        query: z.object({
          cursor: z.string().max(200).optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(500),
        }),
      },
      responses: { 200: { description: 'A page of changes', ...json(SyncChangesPage) }, ...problems },
    }),
    async (c) => {
      const { cursor, limit } = c.req.valid('query');
      return c.json(await service.changes(principalOf(c), cursor, limit), 200);
    },
  );

  // A raw streaming response: documented in the registry, served by a plain handler.
  router.openAPIRegistry.registerPath({
    method: 'get',
    path: '/sync/snapshot',
    tags: ['sync'],
    summary: 'The whole library, streamed (NDJSON)',
    description:
      'One JSON object per line: `begin` (with the cursor to follow the feed from), every `photo`, every `album`, then `end`. Streams in bounded memory however large the library.',
    security,
    responses: {
      200: { description: 'NDJSON lines', content: { 'application/x-ndjson': { schema: z.string() } } },
      ...problems,
    },
  });
  router.get('/sync/snapshot', (c) => {
    const lines = service.snapshot(principalOf(c));
    return c.body(ndjson(lines), 200, { 'content-type': 'application/x-ndjson' });
  });

  router.openapi(
    createRoute({
      method: 'post',
      path: '/sync/ack',
      tags: ['sync'],
      summary: 'Acknowledge what this device has applied',
      security,
      request: { body: { ...json(SyncAck), required: true } },
      responses: { 200: { description: 'Sync state', ...json(SyncState) }, ...problems },
    }),
    async (c) => c.json(await service.ack(principalOf(c), c.req.valid('json')), 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/sync/state',
      tags: ['sync'],
      summary: 'This device’s acknowledged cursor and the feed head',
      security,
      responses: { 200: { description: 'Sync state', ...json(SyncState) }, ...problems },
    }),
    async (c) => c.json(await service.state(principalOf(c)), 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/sync/deliveries/{photoId}',
      tags: ['sync'],
      summary: 'Which devices received a photo, and when',
      security,
      request: { params: z.object({ photoId: z.string().min(1).max(64) }) },
      responses: {
        200: { description: 'Deliveries', ...json(z.object({ items: z.array(PhotoDelivery) })) },
        404: problem('No such photo'),
        ...problems,
      },
    }),
    async (c) => {
      const actor = principalOf(c);
      const all = await devices.list(actor);
      const items = await service.deliveriesOf(actor, c.req.valid('param').photoId, all);
      return c.json({ items }, 200);
    },
  );

  return router;
}

/** Pulls lines only as fast as the client reads them (backpressure), batching small lines into chunks. */
function ndjson(lines: AsyncGenerator<SnapshotLine>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk = '';
      while (chunk.length < 64 * 1024) {
        const next = await lines.next();
        if (next.done) {
          if (chunk) controller.enqueue(encoder.encode(chunk));
          controller.close();
          return;
        }
        chunk += `${JSON.stringify(next.value)}\n`;
      }
      controller.enqueue(encoder.encode(chunk));
    },
    async cancel() {
      await lines.return(undefined);
    },
  });
}
