import { createRoute, z } from '@hono/zod-openapi';
import {
  Device,
  DeviceCredentialIssued,
  DeviceList,
  Problem,
  SignInRequest,
  SignInResponse,
  WhoAmI,
} from '@shoebox/shared';
import type { MiddlewareHandler } from 'hono';
import { createRouter, principalOf, type AppEnv } from '../adapters/http/context.ts';
import type { DevicesService } from './devices.service.ts';

const problems = {
  400: { description: 'Invalid request', content: { 'application/problem+json': { schema: Problem } } },
  401: { description: 'Not signed in', content: { 'application/problem+json': { schema: Problem } } },
  403: { description: 'Not allowed', content: { 'application/problem+json': { schema: Problem } } },
  404: { description: 'No such device', content: { 'application/problem+json': { schema: Problem } } },
} as const;
const alreadyHeld = {
  409: { description: 'Already holds one', content: { 'application/problem+json': { schema: Problem } } },
} as const;

const IdParam = z.object({ id: z.string().min(1).max(64) });

export function devicesRoutes(service: DevicesService, auth: MiddlewareHandler<AppEnv>) {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: 'post',
      path: '/auth/sign-in',
      tags: ['auth'],
      summary: 'Sign in on a device',
      description:
        'Returns a session token bound to the device. The first device of an account is trusted; any other device is `pending` and can do nothing until a trusted device or a second factor lets it in. A device the account trusts signs in as trusted only with its `deviceCredential`, and gets a new one each time.',
      request: { body: { content: { 'application/json': { schema: SignInRequest } }, required: true } },
      responses: {
        200: { description: 'Signed in', content: { 'application/json': { schema: SignInResponse } } },
        ...problems,
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      return c.json(await service.signIn({ ...body, ip: c.get('ip') }), 200);
    },
  );

  router.use('/auth/sign-out', auth);
  router.openapi(
    createRoute({
      method: 'post',
      path: '/auth/sign-out',
      tags: ['auth'],
      summary: 'End this session',
      security: [{ bearer: [] }],
      responses: { 204: { description: 'Signed out' }, ...problems },
    }),
    async (c) => {
      await service.signOut(principalOf(c));
      return c.body(null, 204);
    },
  );

  router.use('/me', auth);
  router.openapi(
    createRoute({
      method: 'get',
      path: '/me',
      tags: ['auth'],
      summary: 'The account, device and session of this token',
      security: [{ bearer: [] }],
      responses: {
        200: { description: 'Who am I', content: { 'application/json': { schema: WhoAmI } } },
        ...problems,
      },
    }),
    (c) => c.json(service.whoAmI(principalOf(c)), 200),
  );

  router.use('/devices', auth);
  router.use('/devices/*', auth);
  router.openapi(
    createRoute({
      method: 'get',
      path: '/devices',
      tags: ['devices'],
      summary: "The account's devices",
      security: [{ bearer: [] }],
      responses: {
        200: { description: 'Devices', content: { 'application/json': { schema: DeviceList } } },
        ...problems,
      },
    }),
    async (c) => c.json({ items: await service.list(principalOf(c)) }, 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/devices/{id}',
      tags: ['devices'],
      summary: 'One device',
      security: [{ bearer: [] }],
      request: { params: IdParam },
      responses: {
        200: { description: 'Device', content: { 'application/json': { schema: Device } } },
        ...problems,
      },
    }),
    async (c) => c.json(await service.get(principalOf(c), c.req.valid('param').id), 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/devices/me/credential',
      tags: ['devices'],
      summary: "This trusted device's credential, when it has none yet",
      description:
        'For devices trusted before device credentials existed: call while the session works, keep the credential beside the installation id, and send it at sign-in (`deviceCredential`) to be trusted again without approval. Once per device (`409` after); signing in as trusted replaces it.',
      security: [{ bearer: [] }],
      responses: {
        200: { description: 'Issued', content: { 'application/json': { schema: DeviceCredentialIssued } } },
        ...problems,
        ...alreadyHeld,
      },
    }),
    async (c) => c.json(await service.issueCredential(principalOf(c)), 200),
  );

  router.openapi(
    createRoute({
      method: 'delete',
      path: '/devices/{id}',
      tags: ['devices'],
      summary: 'Remove a device',
      description: 'Its sessions end at once; it must be approved again to come back.',
      security: [{ bearer: [] }],
      request: { params: IdParam },
      responses: {
        200: { description: 'Removed', content: { 'application/json': { schema: Device } } },
        ...problems,
      },
    }),
    async (c) => c.json(await service.remove(principalOf(c), c.req.valid('param').id), 200),
  );

  return router;
}
