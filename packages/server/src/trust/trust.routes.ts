import { createRoute, z } from '@hono/zod-openapi';
import {
  Device,
  EmailCodeSent,
  EnrolmentApproved,
  EnrolmentVerifyRequest,
  Place,
  RiskFlag,
} from '@shoebox/shared';
import type { MiddlewareHandler } from 'hono';
import { problem, security, json } from '../adapters/http/openapi-parts.ts';
import { createRouter, principalOf, type AppEnv } from '../adapters/http/context.ts';
import type { TrustService } from './trust.service.ts';
import type { EnrolmentFactors } from './enrolment-factors.service.ts';

const problems = {
  400: problem('Invalid request'),
  401: problem('Not signed in or wrong code'),
  403: problem('Not allowed from this device'),
  404: problem('No such request'),
  409: problem('Already decided'),
} as const;

export const EnrolmentRequest = z
  .object({
    id: z.string(),
    state: z.enum(['waiting', 'approved', 'denied', 'expired', 'failed', 'cancelled']),
    device: Device,
    riskFlags: z.array(RiskFlag).meta({ description: 'Risk signals raised by the sign-in that asks' }),
    ip: z.string().nullable(),
    place: Place.nullable(),
    requestedAt: z.string(),
    expiresAt: z.string(),
    codeIssued: z.boolean(),
  })
  .meta({ id: 'EnrolmentRequest' });

const IdParam = z.object({ id: z.string().min(1).max(64) });

export function trustRoutes(
  service: TrustService,
  factors: EnrolmentFactors,
  auth: MiddlewareHandler<AppEnv>,
) {
  const router = createRouter();
  router.use('/enrolments', auth);
  router.use('/enrolments/*', auth);
  router.use('/auth/enrolment', auth);
  router.use('/auth/enrolment/*', auth);

  router.openapi(
    createRoute({
      method: 'get',
      path: '/enrolments',
      tags: ['trust'],
      summary: 'Devices waiting to be let in to this account',
      security,
      responses: {
        200: { description: 'Waiting requests', ...json(z.object({ items: z.array(EnrolmentRequest) })) },
        ...problems,
      },
    }),
    async (c) => c.json({ items: await service.listRequests(principalOf(c)) }, 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/enrolments/{id}/allow',
      tags: ['trust'],
      summary: 'Allow a new device (trusted devices only)',
      description:
        'Returns the 6-digit code to type on the new device. The code is valid until the request expires.',
      security,
      request: { params: IdParam },
      responses: {
        200: {
          description: 'The code',
          ...json(
            z.object({
              enrolmentId: z.string(),
              deviceId: z.string(),
              code: z.string(),
              expiresAt: z.string(),
            }),
          ),
        },
        ...problems,
      },
    }),
    async (c) => c.json(await service.allow(principalOf(c), c.req.valid('param').id), 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/enrolments/{id}/deny',
      tags: ['trust'],
      summary: "Don't allow a new device",
      security,
      request: { params: IdParam },
      responses: {
        200: {
          description: 'Denied',
          ...json(z.object({ enrolmentId: z.string(), deviceId: z.string(), state: z.literal('denied') })),
        },
        ...problems,
      },
    }),
    async (c) => c.json(await service.deny(principalOf(c), c.req.valid('param').id), 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/auth/enrolment',
      tags: ['trust'],
      summary: 'This device’s approval state',
      security,
      responses: {
        200: {
          description: 'State',
          ...json(
            z.object({
              deviceStatus: z.enum(['trusted', 'pending', 'denied', 'removed']),
              enrolment: EnrolmentRequest.nullable(),
            }),
          ),
        },
        ...problems,
      },
    }),
    async (c) => c.json(await service.status(principalOf(c)), 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/auth/enrolment/complete',
      tags: ['trust'],
      summary: 'Enter the code shown on a trusted device',
      security,
      request: {
        body: {
          ...json(z.object({ code: z.string().regex(/^\s*\d{6}\s*$/, 'six digits') })),
          required: true,
        },
      },
      responses: {
        200: {
          description: 'Approved',
          ...json(EnrolmentApproved),
        },
        ...problems,
      },
    }),
    async (c) => c.json(await service.complete(principalOf(c), c.req.valid('json').code), 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/auth/enrolment/verify',
      tags: ['trust'],
      summary: 'Let this device in with a second factor',
      description:
        "A code from the account's authenticator app (`totp`), one of its recovery codes, or the code e-mailed by `POST /auth/enrolment/email-code`. Each code works once; wrong codes count towards the 5 that end the attempt.",
      security,
      request: { body: { ...json(EnrolmentVerifyRequest), required: true } },
      responses: {
        200: {
          description: 'Approved',
          ...json(EnrolmentApproved),
        },
        ...problems,
      },
    }),
    async (c) => {
      const { method, code } = c.req.valid('json');
      return c.json(await factors.verify(principalOf(c), method, code), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/auth/enrolment/email-code',
      tags: ['trust'],
      summary: "E-mail a one-time code to the account's address (when the server has SMTP)",
      security,
      responses: {
        200: { description: 'Sent', ...json(EmailCodeSent) },
        429: problem('Just sent'),
        ...problems,
      },
    }),
    async (c) => c.json(await factors.sendEmailCode(principalOf(c)), 200),
  );

  return router;
}
