import { createRoute } from '@hono/zod-openapi';
import { Reauthenticated, ReauthRequest } from '@shoebox/shared';
import type { MiddlewareHandler } from 'hono';
import { json, problem, security } from '../adapters/http/openapi-parts.ts';
import { createRouter, principalOf, type AppEnv } from '../adapters/http/context.ts';
import type { ReauthService } from './reauth.service.ts';

export function reauthRoutes(reauth: ReauthService, auth: MiddlewareHandler<AppEnv>) {
  const router = createRouter();
  router.use('/session/reauth', auth);
  router.openapi(
    createRoute({
      method: 'post',
      path: '/session/reauth',
      tags: ['security'],
      summary: 'Prove the password or an authenticator code again (for sensitive actions)',
      description:
        'Sensitive actions (second factors, recovery codes, passkeys, password) need the password in the request, or a session that signed in or re-authenticated within the last 15 minutes; otherwise they answer `403 reauth-required`. Wrong answers count as failed sign-ins.',
      security,
      request: { body: { ...json(ReauthRequest), required: true } },
      responses: {
        200: { description: 'Re-authenticated', ...json(Reauthenticated) },
        400: problem('Invalid request'),
        401: problem('Not signed in, wrong password or wrong code'),
        403: problem('Not allowed from this device'),
        409: problem('No authenticator app set up'),
        429: problem('Too many wrong answers'),
      },
    }),
    async (c) => c.json(await reauth.reauthenticate(principalOf(c), c.req.valid('json')), 200),
  );
  return router;
}
