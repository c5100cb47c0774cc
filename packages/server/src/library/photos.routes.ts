import { createRoute, z } from '@hono/zod-openapi';
import {
  ExistsRequest,
  ExistsResponse,
  Photo,
  PhotoPage,
  UPLOAD_HEADERS,
  UploadResult,
} from '@shoebox/shared';
import type { MiddlewareHandler } from 'hono';
import { problem, security } from '../adapters/http/openapi-parts.ts';
import { createRouter, principalOf, type AppContext, type AppEnv } from '../adapters/http/context.ts';
import { sendDownload } from '../adapters/http/download.ts';
import { AppError } from '../errors.ts';
import type { UploadClaims } from './ingest.ts';
import type { PhotosService } from './photos.service.ts';

const problems = {
  400: problem('Invalid request'),
  401: problem('Not signed in'),
  403: problem('Device not trusted'),
  404: problem('No such photo'),
} as const;
const IdParam = z.object({ id: z.string().min(1).max(64) });
const binary = { schema: z.string().meta({ format: 'binary' }) };

export function photosRoutes(service: PhotosService, auth: MiddlewareHandler<AppEnv>) {
  const router = createRouter();
  router.use('/photos', auth);
  router.use('/photos/*', auth);
  router.use('/trash/*', auth);

  router.openapi(
    createRoute({
      method: 'post',
      path: '/photos',
      tags: ['photos'],
      summary: 'Upload a photo (streamed)',
      description: `The request body is the file itself. Optional headers: \`${UPLOAD_HEADERS.sha256}\` (the client's SHA-256; a mismatch is refused and nothing is kept), \`${UPLOAD_HEADERS.fileName}\` (URI-encoded), \`${UPLOAD_HEADERS.fileModified}\` and \`${UPLOAD_HEADERS.fileCreated}\` (ISO 8601 or epoch ms). Uploading a file the account already has returns that photo with 200.`,
      security,
      request: { body: { content: { 'application/octet-stream': binary }, required: true } },
      responses: {
        200: {
          description: 'Already in the library',
          content: { 'application/json': { schema: UploadResult } },
        },
        201: { description: 'Stored', content: { 'application/json': { schema: UploadResult } } },
        413: problem('Larger than the server accepts'),
        415: problem('Not a photo'),
        ...problems,
      },
    }),
    async (c) => {
      const result = await service.upload(principalOf(c), c.env.incoming, uploadClaims(c));
      return c.json(result, result.created ? 201 : 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/photos/exists',
      tags: ['photos'],
      summary: 'Which of these SHA-256s the library already has',
      security,
      request: { body: { content: { 'application/json': { schema: ExistsRequest } }, required: true } },
      responses: {
        200: { description: 'Known files', content: { 'application/json': { schema: ExistsResponse } } },
        ...problems,
      },
    }),
    async (c) => c.json(await service.exists(principalOf(c), c.req.valid('json').sha256), 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/photos',
      tags: ['photos'],
      summary: 'The timeline, newest capture time first',
      security,
      request: {
        query: z.object({
          cursor: z.string().max(500).optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(200),
          status: z.enum(['active', 'trashed']).default('active'),
        }),
      },
      responses: {
        200: { description: 'A page', content: { 'application/json': { schema: PhotoPage } } },
        ...problems,
      },
    }),
    async (c) => c.json(await service.list(principalOf(c), c.req.valid('query')), 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/photos/{id}',
      tags: ['photos'],
      summary: 'Metadata and provenance of a photo',
      security,
      request: { params: IdParam },
      responses: {
        200: { description: 'The photo', content: { 'application/json': { schema: Photo } } },
        ...problems,
      },
    }),
    async (c) => c.json(await service.get(principalOf(c), c.req.valid('param').id), 200),
  );

  for (const variant of ['original', 'preview', 'thumbnail'] as const) {
    router.openapi(
      createRoute({
        method: 'get',
        path: `/photos/{id}/${variant}`,
        tags: ['photos'],
        summary: `Download the ${variant}`,
        description:
          'Supports ETag / If-None-Match and single byte ranges; content never changes, so it may be cached.',
        security,
        request: { params: IdParam },
        responses: {
          200: { description: 'The bytes', content: { 'application/octet-stream': binary } },
          206: { description: 'A byte range', content: { 'application/octet-stream': binary } },
          304: { description: 'Not modified' },
          416: problem('Range outside the file'),
          ...problems,
        },
      }),
      async (c) => {
        const file = await service.open(principalOf(c), c.req.valid('param').id, variant);
        return sendDownload(
          c,
          file,
          variant === 'original' && c.req.query('download') ? 'attachment' : 'inline',
        );
      },
    );
  }

  for (const action of ['trash', 'restore'] as const) {
    router.openapi(
      createRoute({
        method: 'post',
        path: `/photos/{id}/${action}`,
        tags: ['photos'],
        summary: action === 'trash' ? 'Move to the trash (on every device)' : 'Bring back from the trash',
        security,
        request: { params: IdParam },
        responses: {
          200: { description: 'The photo', content: { 'application/json': { schema: Photo } } },
          ...problems,
        },
      }),
      async (c) => c.json(await service[action](principalOf(c), c.req.valid('param').id), 200),
    );
  }

  router.openapi(
    createRoute({
      method: 'delete',
      path: '/photos/{id}',
      tags: ['photos'],
      summary: 'Delete permanently',
      security,
      request: { params: IdParam },
      responses: { 204: { description: 'Deleted' }, ...problems },
    }),
    async (c) => {
      await service.delete(principalOf(c), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/trash/empty',
      tags: ['photos'],
      summary: 'Delete everything in the trash permanently',
      security,
      responses: {
        200: {
          description: 'Emptied',
          content: { 'application/json': { schema: z.object({ deleted: z.number().int() }) } },
        },
        ...problems,
      },
    }),
    async (c) => c.json({ deleted: await service.emptyTrash(principalOf(c)) }, 200),
  );

  return router;
}

function uploadClaims(c: AppContext): UploadClaims {
  const header = (name: string) => c.req.header(name) || undefined;
  const sha256 = header(UPLOAD_HEADERS.sha256);
  if (sha256 && !/^[0-9a-fA-F]{64}$/.test(sha256)) {
    throw new AppError('validation_failed', `${UPLOAD_HEADERS.sha256} must be 64 hex digits.`);
  }
  const rawName = header(UPLOAD_HEADERS.fileName);
  let fileName: string | undefined;
  try {
    fileName = rawName ? decodeURIComponent(rawName).slice(0, 500) : undefined;
  } catch {
    throw new AppError('validation_failed', `${UPLOAD_HEADERS.fileName} must be URI-encoded.`);
  }
  return {
    sha256,
    fileName,
    fileModifiedAt: parseTime(header(UPLOAD_HEADERS.fileModified), UPLOAD_HEADERS.fileModified),
    fileCreatedAt: parseTime(header(UPLOAD_HEADERS.fileCreated), UPLOAD_HEADERS.fileCreated),
  };
}

/** The largest distance from the epoch a JavaScript Date can represent (±100,000,000 days). */
const MAX_DATE_MS = 8.64e15;

function parseTime(value: string | undefined, name: string): number | undefined {
  if (!value) return undefined;
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  // A claim beyond Date's range would be stored, then fail to render as ISO (or overflow a bigint column):
  // refuse it up front, before any byte is received.
  if (!Number.isSafeInteger(ms) || Math.abs(ms) > MAX_DATE_MS)
    throw new AppError('validation_failed', `${name} must be ISO 8601 or epoch milliseconds.`);
  return ms;
}
