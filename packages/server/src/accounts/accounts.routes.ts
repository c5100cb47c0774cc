import { createRoute, z } from '@hono/zod-openapi';
import {
  Account,
  CreateAccountRequest,
  Email,
  PasswordChanged,
  PasswordChangeRequest,
  Problem,
  RoleUpdate,
  ServerInfo,
  SignupPolicyUpdate,
} from '@shoebox/shared';
import type { MiddlewareHandler } from 'hono';
import { createRouter, principalOf, type AppEnv } from '../adapters/http/context.ts';
import type { Authenticate } from '../adapters/http/auth.ts';
import type { AccountsService } from './accounts.service.ts';

const problems = {
  400: { description: 'Invalid request', content: { 'application/problem+json': { schema: Problem } } },
  401: { description: 'Not signed in', content: { 'application/problem+json': { schema: Problem } } },
  403: { description: 'Not allowed', content: { 'application/problem+json': { schema: Problem } } },
  409: { description: 'Conflict', content: { 'application/problem+json': { schema: Problem } } },
} as const;

export function accountsRoutes(
  service: AccountsService,
  auth: MiddlewareHandler<AppEnv>,
  authenticate: Authenticate,
  version: string,
  trashDays?: number,
) {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: 'get',
      path: '/server',
      tags: ['server'],
      summary: 'What this server is and whether it accepts sign-ups',
      responses: {
        200: { description: 'Server info', content: { 'application/json': { schema: ServerInfo } } },
      },
    }),
    async (c) => c.json(await service.serverInfo(version, trashDays), 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/accounts',
      tags: ['accounts'],
      summary: 'Create an account',
      description:
        'The first account becomes the admin. After that an admin creates accounts, or anyone may sign up when the sign-up policy allows it (open, or invite-only with an invite code).',
      request: {
        body: { content: { 'application/json': { schema: CreateAccountRequest } }, required: true },
      },
      responses: {
        201: { description: 'Created', content: { 'application/json': { schema: Account } } },
        ...problems,
      },
    }),
    async (c) => {
      // Signing up needs no session, but an admin creating an account is recognised by theirs.
      const token = c.req.header('authorization')?.replace(/^Bearer\s+/i, '');
      const actor = token ? await authenticate(token, c.get('ip')) : null;
      return c.json(await service.create(actor, c.req.valid('json')), 201);
    },
  );

  router.use('/admin/*', auth);
  router.openapi(
    createRoute({
      method: 'get',
      path: '/admin/accounts',
      tags: ['admin'],
      summary: 'List accounts (admin)',
      security: [{ bearer: [] }],
      responses: {
        200: {
          description: 'Accounts',
          content: { 'application/json': { schema: z.object({ items: z.array(Account) }) } },
        },
        ...problems,
      },
    }),
    async (c) => c.json({ items: await service.list(principalOf(c)) }, 200),
  );

  router.openapi(
    createRoute({
      method: 'put',
      path: '/admin/signup-policy',
      tags: ['admin'],
      summary: 'Open, restrict or close sign-up (admin)',
      security: [{ bearer: [] }],
      request: { body: { content: { 'application/json': { schema: SignupPolicyUpdate } }, required: true } },
      responses: {
        200: { description: 'Updated', content: { 'application/json': { schema: SignupPolicyUpdate } } },
        ...problems,
      },
    }),
    async (c) => {
      const { signupPolicy } = c.req.valid('json');
      await service.setSignupPolicy(principalOf(c), signupPolicy);
      return c.json({ signupPolicy }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'put',
      path: '/admin/accounts/{id}/role',
      tags: ['admin'],
      summary: 'Give or take away the support role (admin)',
      description:
        'Support staff may look at an account’s device histories and explain report, each time with a stated reason that is recorded in that account’s audit log.',
      security: [{ bearer: [] }],
      request: {
        params: z.object({ id: z.string().min(1).max(64) }),
        body: { content: { 'application/json': { schema: RoleUpdate } }, required: true },
      },
      responses: {
        200: { description: 'Updated', content: { 'application/json': { schema: Account } } },
        404: { description: 'No such account', content: { 'application/problem+json': { schema: Problem } } },
        ...problems,
      },
    }),
    async (c) =>
      c.json(await service.setRole(principalOf(c), c.req.valid('param').id, c.req.valid('json').role), 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/admin/invites',
      tags: ['admin'],
      summary: 'Invite someone to sign up (admin)',
      security: [{ bearer: [] }],
      request: {
        body: { content: { 'application/json': { schema: z.object({ email: Email }) } }, required: true },
      },
      responses: {
        201: {
          description: 'Invite',
          content: {
            'application/json': {
              schema: z.object({
                id: z.string(),
                code: z.string(),
                email: z.string(),
                expiresAt: z.string(),
              }),
            },
          },
        },
        ...problems,
      },
    }),
    async (c) => c.json(await service.createInvite(principalOf(c), c.req.valid('json').email), 201),
  );

  router.use('/account/password', auth);
  router.openapi(
    createRoute({
      method: 'post',
      path: '/account/password',
      tags: ['accounts'],
      summary: 'Change the password (trusted devices)',
      description:
        'Signs out every other session unless `signOutOtherSessions` is false; every trusted device is told.',
      security: [{ bearer: [] }],
      request: {
        body: { content: { 'application/json': { schema: PasswordChangeRequest } }, required: true },
      },
      responses: {
        200: { description: 'Changed', content: { 'application/json': { schema: PasswordChanged } } },
        ...problems,
      },
    }),
    async (c) => c.json(await service.changePassword(principalOf(c), c.req.valid('json')), 200),
  );

  return router;
}
