import { createRoute, z } from '@hono/zod-openapi';
import { AlbumMember, AlbumMembers, ShareAlbumRequest } from '@shoebox/shared';
import type { MiddlewareHandler } from 'hono';
import { problem, security, json } from '../adapters/http/openapi-parts.ts';
import { createRouter, principalOf, type AppEnv } from '../adapters/http/context.ts';
import type { AlbumSharingService } from './album-sharing.service.ts';

const problems = {
  400: problem('Invalid request'),
  401: problem('Not signed in'),
  403: problem('Device not trusted, or only the album’s owner may do this'),
  404: problem('No such album, member or account'),
} as const;
const IdParam = z.object({ id: z.string().min(1).max(64) });
const MemberParam = z.object({ id: z.string().min(1).max(64), accountId: z.string().min(1).max(64) });

export function albumMembersRoutes(service: AlbumSharingService, auth: MiddlewareHandler<AppEnv>) {
  const router = createRouter();
  // /albums/* is already authenticated by the album routes mounted beside these: do it once.
  const once: MiddlewareHandler<AppEnv> = async (c, next) => (c.get('principal') ? next() : auth(c, next));
  router.use('/albums/:id/members', once);
  router.use('/albums/:id/members/*', once);

  router.openapi(
    createRoute({
      method: 'get',
      path: '/albums/{id}/members',
      tags: ['albums'],
      summary: 'Who an album is shared with (owner and members may look)',
      security,
      request: { params: IdParam },
      responses: { 200: { description: 'Members', ...json(AlbumMembers) }, ...problems },
    }),
    async (c) => c.json(await service.members(principalOf(c), c.req.valid('param').id), 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/albums/{id}/members',
      tags: ['albums'],
      summary: 'Share an album with an account (by e-mail), or change its role',
      security,
      request: { params: IdParam, body: { ...json(ShareAlbumRequest), required: true } },
      responses: {
        200: { description: 'Role changed', ...json(AlbumMember) },
        201: { description: 'Shared', ...json(AlbumMember) },
        ...problems,
      },
    }),
    async (c) => {
      const { member, created } = await service.share(
        principalOf(c),
        c.req.valid('param').id,
        c.req.valid('json'),
      );
      return created ? c.json(member, 201) : c.json(member, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'delete',
      path: '/albums/{id}/members/{accountId}',
      tags: ['albums'],
      summary: 'Stop sharing with a member (the owner), or leave the album (the member itself)',
      security,
      request: { params: MemberParam },
      responses: { 204: { description: 'Removed' }, ...problems },
    }),
    async (c) => {
      const { id, accountId } = c.req.valid('param');
      await service.unshare(principalOf(c), id, accountId);
      return c.body(null, 204);
    },
  );

  return router;
}
