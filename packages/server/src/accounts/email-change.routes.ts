import { createRoute } from '@hono/zod-openapi';
import { EmailChange, EmailChangeConfirmation, EmailChangeRequest } from '@shoebox/shared';
import type { MiddlewareHandler } from 'hono';
import { createRouter, principalOf, type AppEnv } from '../adapters/http/context.ts';
import { json, problem, security } from '../adapters/http/openapi-parts.ts';
import type { EmailChangeService } from './email-change.service.ts';

const problems = {
  400: problem('Invalid request, or already the address of this account'),
  401: problem('Not signed in, wrong password or wrong code'),
  403: problem('Not from a trusted device, or `reauth_required`'),
  409: problem('`email_taken`: the address cannot be used; `conflict`: no code is waiting, or it expired'),
  429: problem('Too many wrong passwords, or a code was just sent'),
};

export function emailChangeRoutes(service: EmailChangeService, auth: MiddlewareHandler<AppEnv>) {
  const router = createRouter();
  router.use('/account/email', auth);
  router.use('/account/email/*', auth);
  router.openapi(
    createRoute({
      method: 'post',
      path: '/account/email',
      tags: ['accounts'],
      summary: 'Change the e-mail address (trusted devices)',
      description:
        'Needs the password, or a session that signed in or re-authenticated within 15 minutes. When the server sends e-mail, a code goes to the new address (8 digits, 10 minutes, single use, 5 tries) and the change waits for `POST /api/account/email/confirm` (`status: pending`); otherwise it happens at once (`status: changed`). The old address is told, every trusted device gets a live notice, and every other session ends unless `signOutOtherSessions` is false. An address another account uses answers `409 email_taken`.',
      security,
      request: { body: { ...json(EmailChangeRequest), required: true } },
      responses: {
        200: { description: 'Changed, or waiting for the code', ...json(EmailChange) },
        ...problems,
      },
    }),
    async (c) => c.json(await service.request(principalOf(c), c.req.valid('json')), 200),
  );
  router.openapi(
    createRoute({
      method: 'post',
      path: '/account/email/confirm',
      tags: ['accounts'],
      summary: 'Confirm a new e-mail address with the code sent to it',
      description: 'From the session that asked for the change. Five wrong codes end the request.',
      security,
      request: { body: { ...json(EmailChangeConfirmation), required: true } },
      responses: { 200: { description: 'Changed', ...json(EmailChange) }, ...problems },
    }),
    async (c) => {
      const { code, newEmail } = c.req.valid('json');
      return c.json(await service.confirm(principalOf(c), code, newEmail), 200);
    },
  );
  return router;
}
