import { createRoute, z } from '@hono/zod-openapi';
import {
  ActivityPage,
  FactorChange,
  NotMeLinkRequest,
  NotMeRequest,
  NotMeResult,
  RecoveryCodes,
  ReauthProof,
  SecurityStatus,
  TotpConfirmation,
  TotpConfirmed,
  TotpSetup,
} from '@shoebox/shared';
import type { MiddlewareHandler } from 'hono';
import { problem, security, json } from '../adapters/http/openapi-parts.ts';
import { createRouter, principalOf, type AppEnv } from '../adapters/http/context.ts';
import type { ActivityService } from './activity.service.ts';
import type { FactorsService } from './factors.service.ts';
import type { NotMeService } from './not-me.service.ts';

const problems = {
  400: problem('Invalid request'),
  401: problem('Not signed in, wrong password or wrong code'),
  403: problem('Not allowed from this device'),
  404: problem('Nothing to act on'),
  409: problem('Not in a state that allows this'),
} as const;

const body = <T extends z.ZodType>(schema: T) => ({ body: { ...json(schema), required: true } });

export function securityRoutes(
  services: { factors: FactorsService; notMe: NotMeService; activity: ActivityService },
  auth: MiddlewareHandler<AppEnv>,
) {
  const { factors, notMe, activity } = services;
  const router = createRouter();
  router.use('/account/security', auth);
  router.use('/account/totp', auth);
  router.use('/account/totp/*', auth);
  router.use('/account/recovery-codes', auth);
  router.use('/activity', auth);
  router.use('/security/not-me', auth);

  const post = (path: string, summary: string, description = summary) => ({
    method: 'post' as const,
    path,
    tags: ['security'],
    summary,
    description,
    security,
  });

  router.openapi(
    createRoute({
      method: 'get',
      path: '/account/security',
      tags: ['security'],
      summary: 'Second factors of the account and whether a password change is required',
      security,
      responses: { 200: { description: 'Status', ...json(SecurityStatus) }, ...problems },
    }),
    async (c) => c.json(await factors.status(principalOf(c)), 200),
  );

  router.openapi(
    createRoute({
      ...post(
        '/account/totp',
        'Start setting up an authenticator app (TOTP)',
        'Returns the secret once, as an otpauth:// URI (for a QR code) and base32. It works only after a first code confirms it. Needs the password, or a session proved in the last 15 minutes (else `403 reauth-required`).',
      ),
      request: body(ReauthProof),
      responses: { 200: { description: 'The new secret', ...json(TotpSetup) }, ...problems },
    }),
    async (c) => c.json(await factors.startTotp(principalOf(c), c.req.valid('json')), 200),
  );

  router.openapi(
    createRoute({
      ...post(
        '/account/totp/confirm',
        'Confirm the authenticator app with its first code',
        'When this is the first second factor, the answer carries the 10 recovery codes, shown once. Signs out every other session unless `signOutOtherSessions` is false.',
      ),
      request: body(TotpConfirmation),
      responses: { 200: { description: 'Enabled', ...json(TotpConfirmed) }, ...problems },
    }),
    async (c) => c.json(await factors.confirmTotp(principalOf(c), c.req.valid('json')), 200),
  );

  router.openapi(
    createRoute({
      ...post(
        '/account/totp/remove',
        'Remove the authenticator app',
        'Needs the password or a session proved in the last 15 minutes; signs out every other session unless `signOutOtherSessions` is false.',
      ),
      request: body(FactorChange),
      responses: { 204: { description: 'Removed' }, ...problems },
    }),
    async (c) => {
      await factors.removeTotp(principalOf(c), c.req.valid('json'));
      return c.body(null, 204);
    },
  );

  router.openapi(
    createRoute({
      ...post(
        '/account/recovery-codes',
        'New recovery codes (the old ones stop working)',
        'Needs the password or a session proved in the last 15 minutes; signs out every other session unless `signOutOtherSessions` is false.',
      ),
      request: body(FactorChange),
      responses: { 200: { description: 'Shown once', ...json(RecoveryCodes) }, ...problems },
    }),
    async (c) => c.json(await factors.regenerateRecoveryCodes(principalOf(c), c.req.valid('json')), 200),
  );

  router.openapi(
    createRoute({
      ...post(
        '/security/not-me',
        "This wasn't me: remove that device and require a new password",
        "Ends the device's sessions at once (its live socket closes) and marks the account: until the password is changed from a trusted device, no new device can sign in with it.",
      ),
      request: body(NotMeRequest),
      responses: { 200: { description: 'Done', ...json(NotMeResult) }, ...problems },
    }),
    async (c) => c.json(await notMe.fromDevice(principalOf(c), c.req.valid('json').deviceId), 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/security/not-me/link',
      tags: ['security'],
      summary: "This wasn't me, from the link of a notice e-mail (no session needed; the token works once)",
      request: body(NotMeLinkRequest),
      responses: { 200: { description: 'Done', ...json(NotMeResult) }, ...problems },
    }),
    async (c) => c.json(await notMe.fromToken(c.req.valid('json').token, c.get('ip')), 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/activity',
      tags: ['security'],
      summary: "The account's security activity, newest first",
      description:
        'Sign-ins (with device, place, IP, factors and result), approvals and refusals, removals, password and factor changes, recovery-code use. Read from the account’s audit-log entries.',
      security,
      request: {
        query: z.object({
          cursor: z.string().max(30).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
      },
      responses: { 200: { description: 'A page', ...json(ActivityPage) }, ...problems },
    }),
    async (c) => {
      const { cursor, limit } = c.req.valid('query');
      return c.json(await activity.list(principalOf(c), cursor, limit), 200);
    },
  );

  return router;
}
