import { createRoute, z } from '@hono/zod-openapi';
import {
  Album,
  AlbumList,
  AlbumPhotoList,
  AlbumPhotosRequest,
  AlbumPhotosResult,
  CreateAlbumRequest,
  RenameAlbumRequest,
} from '@shoebox/shared';
import type { MiddlewareHandler } from 'hono';
import { problem, security, json } from '../adapters/http/openapi-parts.ts';
import { createRouter, principalOf, type AppEnv } from '../adapters/http/context.ts';
import type { AlbumsService } from './albums.service.ts';

const problems = {
  400: problem('Invalid request'),
  401: problem('Not signed in'),
  403: problem('Device not trusted, or the album was shared without this right'),
  404: problem('No such album or photo'),
} as const;
const IdParam = z.object({ id: z.string().min(1).max(64) });

export function albumsRoutes(service: AlbumsService, auth: MiddlewareHandler<AppEnv>) {
  const router = createRouter();
  router.use('/albums', auth);
  router.use('/albums/*', auth);

  router.openapi(
    createRoute({
      method: 'get',
      path: '/albums',
      tags: ['albums'],
      summary: 'Albums',
      security,
      responses: { 200: { description: 'Albums', ...json(AlbumList) }, ...problems },
    }),
    async (c) => c.json({ items: await service.list(principalOf(c)) }, 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/albums',
      tags: ['albums'],
      summary: 'Create an album',
      security,
      request: { body: { ...json(CreateAlbumRequest), required: true } },
      responses: { 201: { description: 'Created', ...json(Album) }, ...problems },
    }),
    async (c) => c.json(await service.create(principalOf(c), c.req.valid('json').name), 201),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/albums/{id}',
      tags: ['albums'],
      summary: 'One album',
      security,
      request: { params: IdParam },
      responses: { 200: { description: 'Album', ...json(Album) }, ...problems },
    }),
    async (c) => c.json(await service.get(principalOf(c), c.req.valid('param').id), 200),
  );

  router.openapi(
    createRoute({
      method: 'patch',
      path: '/albums/{id}',
      tags: ['albums'],
      summary: 'Rename an album',
      security,
      request: { params: IdParam, body: { ...json(RenameAlbumRequest), required: true } },
      responses: { 200: { description: 'Renamed', ...json(Album) }, ...problems },
    }),
    async (c) =>
      c.json(await service.rename(principalOf(c), c.req.valid('param').id, c.req.valid('json').name), 200),
  );

  router.openapi(
    createRoute({
      method: 'delete',
      path: '/albums/{id}',
      tags: ['albums'],
      summary: 'Delete an album (its photos stay in the library)',
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
      method: 'get',
      path: '/albums/{id}/photos',
      tags: ['albums'],
      summary: 'The photos of an album, with who added each (account, device, session)',
      security,
      request: { params: IdParam },
      responses: { 200: { description: 'Photos', ...json(AlbumPhotoList) }, ...problems },
    }),
    async (c) => c.json(await service.photos(principalOf(c), c.req.valid('param').id), 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/albums/{id}/photos',
      tags: ['albums'],
      summary: 'Add photos to an album',
      security,
      request: { params: IdParam, body: { ...json(AlbumPhotosRequest), required: true } },
      responses: { 200: { description: 'Added', ...json(AlbumPhotosResult) }, ...problems },
    }),
    async (c) =>
      c.json(
        await service.addPhotos(principalOf(c), c.req.valid('param').id, c.req.valid('json').photoIds),
        200,
      ),
  );

  router.openapi(
    createRoute({
      method: 'delete',
      path: '/albums/{id}/photos',
      tags: ['albums'],
      summary: 'Remove photos from an album',
      security,
      request: { params: IdParam, body: { ...json(AlbumPhotosRequest), required: true } },
      responses: { 200: { description: 'Removed', ...json(AlbumPhotosResult) }, ...problems },
    }),
    async (c) =>
      c.json(
        await service.removePhotos(principalOf(c), c.req.valid('param').id, c.req.valid('json').photoIds),
        200,
      ),
  );

  return router;
}
