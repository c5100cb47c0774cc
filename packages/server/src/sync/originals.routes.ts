import { createRoute, z } from '@hono/zod-openapi';
import { ORIGINALS_TYPE, OriginalsRequest } from '@shoebox/shared';
import type { MiddlewareHandler } from 'hono';
import { json, problem, security } from '../adapters/http/openapi-parts.ts';
import { createRouter, principalOf, type AppEnv } from '../adapters/http/context.ts';
import type { OriginalsService } from './originals.service.ts';

export function originalsRoutes(service: OriginalsService, auth: MiddlewareHandler<AppEnv>) {
  const router = createRouter();
  router.use('/sync/originals', auth);
  router.openapi(
    createRoute({
      method: 'post',
      path: '/sync/originals',
      tags: ['sync'],
      summary: 'Many originals in one streamed answer',
      description: `For a device catching up. For each id, in order: a JSON line \`{id, sha256, size}\` followed by exactly \`size\` bytes of the original, or \`{id, error}\` (\`gone\`: not a photo this device may see; \`missing\`: the server lost the bytes). The device checks each SHA-256.`,
      security,
      request: { body: { ...json(OriginalsRequest), required: true } },
      responses: {
        200: {
          description: 'Framed originals',
          content: { [ORIGINALS_TYPE]: { schema: z.string().meta({ format: 'binary' }) } },
        },
        400: problem('Invalid request'),
        401: problem('Not signed in'),
        403: problem('Device not trusted'),
      },
    }),
    async (c) => {
      const frames = await service.open(principalOf(c), c.req.valid('json').ids);
      return new Response(toStream(frames), { status: 200, headers: { 'content-type': ORIGINALS_TYPE } });
    },
  );
  return router;
}

/** Pulled only as fast as the device reads (backpressure): memory stays at a chunk however many photos. */
function toStream(frames: AsyncGenerator<Uint8Array>): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await frames.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await frames.return(undefined);
    },
  });
}
