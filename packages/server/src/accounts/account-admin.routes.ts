import { createRoute, z } from '@hono/zod-openapi';
import { Account, AccountLookupQuery, InviteList } from '@shoebox/shared';
import type { MiddlewareHandler } from 'hono';
import { createRouter, principalOf, type AppEnv } from '../adapters/http/context.ts';
import { json, problem, security } from '../adapters/http/openapi-parts.ts';
import type { AccountAdminService } from './account-admin.service.ts';

const tags = ['admin'];
const problems = {
  400: problem('Invalid request'),
  401: problem('Not signed in'),
  403: problem('Not an admin (or support staff, for the lookup), or not from a trusted device'),
  404: problem('No such account or invite'),
} as const;
const AccountId = z.object({ id: z.string().min(1).max(64) });

export function accountAdminRoutes(service: AccountAdminService, auth: MiddlewareHandler<AppEnv>) {
  const router = createRouter();
  // The accounts router also guards /admin/*; authenticate once however the routers are merged.
  const once: MiddlewareHandler<AppEnv> = async (c, next) => (c.get('principal') ? next() : auth(c, next));
  router.use('/admin/*', once);

  router.openapi(
    createRoute({
      method: 'get',
      path: '/admin/accounts/lookup',
      tags,
      summary: 'Find an account by e-mail (admins and support staff, with a reason)',
      description:
        'The look is recorded, with its reason, in that account’s audit log (where its owner sees it) before the answer is given; an address with no account is recorded in the server’s log and answers 404.',
      security,
      request: { query: AccountLookupQuery },
      responses: { 200: { description: 'The account', ...json(Account) }, ...problems },
    }),
    async (c) => {
      const { email, reason } = c.req.valid('query');
      return c.json(await service.lookup(principalOf(c), email, reason), 200);
    },
  );

  for (const [verb, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    router.openapi(
      createRoute({
        method: 'post',
        path: `/admin/accounts/{id}/${verb}`,
        tags,
        summary: disabled
          ? 'Disable an account: no sign-in, every session ends at once (admin)'
          : 'Enable a disabled account again (admin)',
        description: disabled
          ? 'Its sessions are revoked and their live sockets closed; recorded in the account’s audit log. An admin cannot disable their own account or the last admin (409). Disabling a disabled account changes nothing.'
          : 'Its devices sign in again as before (nothing else was removed). Recorded in the account’s audit log.',
        security,
        request: { params: AccountId },
        responses: {
          200: { description: 'The account', ...json(Account) },
          409: problem('Your own account, or the last admin'),
          ...problems,
        },
      }),
      async (c) => c.json(await service.setDisabled(principalOf(c), c.req.valid('param').id, disabled), 200),
    );
  }

  router.openapi(
    createRoute({
      method: 'get',
      path: '/admin/invites',
      tags,
      summary: 'List sign-up invites not yet used (admin)',
      description: 'Expired ones are listed (and marked) until revoked.',
      security,
      responses: { 200: { description: 'Invites', ...json(InviteList) }, ...problems },
    }),
    async (c) => c.json({ items: await service.invites(principalOf(c)) }, 200),
  );

  router.openapi(
    createRoute({
      method: 'delete',
      path: '/admin/invites/{id}',
      tags,
      summary: 'Revoke an invite (admin)',
      description: 'Its code no longer signs anyone up. Recorded in the admin’s audit log.',
      security,
      request: { params: z.object({ id: z.string().regex(/^[0-9a-f]{64}$/) }) },
      responses: { 204: { description: 'Revoked' }, ...problems },
    }),
    async (c) => {
      await service.revokeInvite(principalOf(c), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  return router;
}
