import { createRoute, z } from '@hono/zod-openapi';
import {
  EnrolmentApproved,
  EnrolmentWays,
  FactorChange,
  PasskeyAdded,
  PasskeyAssertion,
  PasskeyList,
  PasskeyRegistration,
  PasskeyRemoved,
  PasskeySignInRequest,
  ReauthProof,
  SignInResponse,
  WebAuthnOptions,
} from '@shoebox/shared';
import type { MiddlewareHandler } from 'hono';
import { problem, security, json } from '../adapters/http/openapi-parts.ts';
import { createRouter, principalOf, type AppEnv } from '../adapters/http/context.ts';
import type { PasskeyEnrolment } from './passkey-enrolment.service.ts';
import type { PasskeySignIn } from './passkey-sign-in.service.ts';
import type { PasskeysService } from './passkeys.service.ts';
import type { RelyingParty } from './webauthn.ts';

const problems = {
  400: problem('Invalid request'),
  401: problem('Not signed in, wrong password, or the passkey was not accepted'),
  403: problem('Not allowed from this device, or `reauth_required`: give the password'),
  404: problem('No such passkey'),
  409: problem('Not in a state that allows this'),
  429: problem('Too many failed sign-ins or unanswered passkey requests from this address'),
} as const;

const body = <T extends z.ZodType>(schema: T) => ({ body: { ...json(schema), required: true } });

export function passkeysRoutes(
  services: {
    passkeys: PasskeysService;
    enrolment: PasskeyEnrolment;
    signIn: PasskeySignIn;
    relyingParty: (url: string) => RelyingParty;
  },
  auth: MiddlewareHandler<AppEnv>,
) {
  const { passkeys, enrolment, signIn } = services;
  const router = createRouter();
  // Other routers may already have authenticated /auth/enrolment/*: look the token up once.
  const once: MiddlewareHandler<AppEnv> = (c, next) => (c.get('principal') ? next() : auth(c, next));
  router.use('/account/passkeys', once);
  router.use('/account/passkeys/*', once);
  router.use('/auth/enrolment/passkey', once);
  router.use('/auth/enrolment/passkey/*', once);
  router.use('/auth/enrolment/ways', once);
  const rp = (url: string) => services.relyingParty(url);
  const route = (method: 'get' | 'post', path: string, summary: string, description = summary) => ({
    method,
    path,
    tags: ['security'],
    summary,
    description,
    security,
  });

  router.openapi(
    createRoute({
      ...route('get', '/account/passkeys', "The account's passkeys"),
      responses: { 200: { description: 'Passkeys', ...json(PasskeyList) }, ...problems },
    }),
    async (c) => c.json({ items: await passkeys.list(principalOf(c)) }, 200),
  );

  router.openapi(
    createRoute({
      ...route(
        'post',
        '/account/passkeys/options',
        'Start adding a passkey (asks for the password)',
        'Options for navigator.credentials.create; the challenge works once, for 5 minutes, on this device. Needs the password, or a session proved in the last 15 minutes (else `403 reauth_required`).',
      ),
      request: body(ReauthProof),
      responses: { 200: { description: 'Creation options', ...json(WebAuthnOptions) }, ...problems },
    }),
    async (c) =>
      c.json(await passkeys.registrationOptions(principalOf(c), c.req.valid('json'), rp(c.req.url)), 200),
  );

  router.openapi(
    createRoute({
      ...route(
        'post',
        '/account/passkeys',
        'Finish adding a passkey with the authenticator’s answer',
        'Signs out every other session of the account unless `signOutOtherSessions` is false.',
      ),
      request: body(PasskeyRegistration),
      responses: { 200: { description: 'Added', ...json(PasskeyAdded) }, ...problems },
    }),
    async (c) => c.json(await passkeys.register(principalOf(c), c.req.valid('json'), rp(c.req.url)), 200),
  );

  router.openapi(
    createRoute({
      ...route(
        'post',
        '/account/passkeys/{id}/remove',
        'Remove a passkey (asks for the password)',
        'Needs the password, or a session proved in the last 15 minutes (else `403 reauth_required`). Signs out every other session of the account unless `signOutOtherSessions` is false.',
      ),
      request: { params: z.object({ id: z.string().min(1).max(64) }), ...body(FactorChange) },
      responses: { 200: { description: 'Removed', ...json(PasskeyRemoved) }, ...problems },
    }),
    async (c) =>
      c.json(await passkeys.remove(principalOf(c), c.req.valid('param').id, c.req.valid('json')), 200),
  );

  router.openapi(
    createRoute({
      ...route('get', '/auth/enrolment/ways', 'The ways this pending device can be let in'),
      responses: { 200: { description: 'Ways', ...json(EnrolmentWays) }, ...problems },
    }),
    async (c) => c.json(await enrolment.waysIn(principalOf(c)), 200),
  );

  router.openapi(
    createRoute({
      ...route(
        'post',
        '/auth/enrolment/passkey/options',
        'A pending device: options to let itself in with a passkey of the account',
      ),
      responses: { 200: { description: 'Request options', ...json(WebAuthnOptions) }, ...problems },
    }),
    async (c) => c.json(await enrolment.enrolmentOptions(principalOf(c), rp(c.req.url)), 200),
  );

  router.openapi(
    createRoute({
      ...route(
        'post',
        '/auth/enrolment/passkey',
        'A pending device lets itself in with a passkey of the account',
        'A passkey that is not accepted counts towards the 5 wrong codes that end the attempt.',
      ),
      request: body(PasskeyAssertion),
      responses: { 200: { description: 'Approved', ...json(EnrolmentApproved) }, ...problems },
    }),
    async (c) =>
      c.json(
        await enrolment.enrolmentVerify(principalOf(c), c.req.valid('json').credential, rp(c.req.url)),
        200,
      ),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/auth/passkey/options',
      tags: ['auth'],
      summary: 'Start a passkey sign-in (no e-mail or password)',
      description:
        'At most 10 unanswered requests per client address (each lives 5 minutes), and none from an address blocked for failed sign-ins (`429 rate_limited`).',
      responses: { 200: { description: 'Request options', ...json(WebAuthnOptions) }, ...problems },
    }),
    async (c) => c.json(await signIn.options(rp(c.req.url), c.get('ip')), 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/auth/passkey/sign-in',
      tags: ['auth'],
      summary: 'Sign in with a passkey',
      description:
        'On a device the account does not trust yet, a user-verified passkey also approves it (second factor); otherwise the device is pending, as after a password sign-in.',
      request: body(PasskeySignInRequest),
      responses: { 200: { description: 'Signed in', ...json(SignInResponse) }, ...problems },
    }),
    async (c) => c.json(await signIn.signIn(c.req.valid('json'), c.get('ip'), rp(c.req.url)), 200),
  );

  return router;
}
