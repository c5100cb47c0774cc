import { createRoute, z } from '@hono/zod-openapi';
import { AccountDeletion, AccountDeletionRequest, AdminAccountDeletionRequest } from '@shoebox/shared';
import type { MiddlewareHandler } from 'hono';
import { createRouter, principalOf, type AppEnv } from '../adapters/http/context.ts';
import { json, problem, security } from '../adapters/http/openapi-parts.ts';
import type { AccountDeletionService } from './account-deletion.service.ts';

const problems = {
  400: problem('Invalid request, or the typed e-mail does not match'),
  401: problem('Not signed in, or a wrong password'),
  403: problem('Not from a trusted device, not an admin, or `reauth_required`'),
  409: problem('The last admin cannot be deleted'),
  429: problem('Too many wrong passwords'),
};
const after =
  'The account is disabled and every session ends at once (live sockets close within a second); photos, albums, shares, devices, factors, passkeys, recovery codes and the e-mail address are then erased by a background job, and the account’s audit key is destroyed: its entries stay in the log, unopenable, and the log still verifies. Photos others see through shared albums leave their libraries through the change feed; albums of other accounts it contributed to go on without its photos. A final notice goes to its address when the server sends e-mail. Asking again while a deletion is under way answers the same.';

export function accountDeletionRoutes(service: AccountDeletionService, auth: MiddlewareHandler<AppEnv>) {
  const router = createRouter();
  // Other routers guard /admin/* too; authenticate once however the routers are merged.
  const once: MiddlewareHandler<AppEnv> = async (c, next) => (c.get('principal') ? next() : auth(c, next));
  router.use('/account', once);
  router.use('/admin/accounts/*', once);

  router.openapi(
    createRoute({
      method: 'delete',
      path: '/account',
      tags: ['accounts'],
      summary: 'Delete your own account (trusted devices)',
      description: `Needs the password, or a session that signed in or re-authenticated within 15 minutes and the account’s e-mail typed out (\`confirmEmail\`). ${after} Recorded as \`account.deleted\` on the server’s log, without the account’s data.`,
      security,
      request: { body: { ...json(AccountDeletionRequest), required: true } },
      responses: { 202: { description: 'Deletion under way', ...json(AccountDeletion) }, ...problems },
    }),
    async (c) => c.json(await service.deleteOwn(principalOf(c), c.req.valid('json')), 202),
  );

  router.openapi(
    createRoute({
      method: 'delete',
      path: '/admin/accounts/{id}',
      tags: ['admin'],
      summary: 'Delete an account, with a reason (admin)',
      description: `Needs the admin’s password or a session proved within 15 minutes, and a reason. ${after} Recorded as \`account.deleted\` (who, when, reason) on the admin’s own log.`,
      security,
      request: {
        params: z.object({ id: z.string().min(1).max(64) }),
        body: { ...json(AdminAccountDeletionRequest), required: true },
      },
      responses: {
        202: { description: 'Deletion under way', ...json(AccountDeletion) },
        404: problem('No such account'),
        ...problems,
      },
    }),
    async (c) =>
      c.json(await service.deleteByAdmin(principalOf(c), c.req.valid('param').id, c.req.valid('json')), 202),
  );
  return router;
}
