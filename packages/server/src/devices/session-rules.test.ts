import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecoveryCodes, SignInResponse, TotpConfirmed, TotpSetup, WhoAmI } from '@shoebox/shared';
import type { Clock } from '../platform/clock.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { startTestServer, type TestServer } from '../../test/support/test-server.ts';
import { connectLive } from '../../test/support/live-socket.ts';
import {
  createAccount,
  deviceDescription,
  eventually,
  expectProblem,
  PASSWORD,
  TestClient,
} from '../../test/support/api.ts';
import { base32Decode, totp } from '../trust/totp.ts';
import { EXPIRED_KEPT_MS } from './session-expiry.ts';
import { DEVICE_IDLE_MS, REAUTH_WINDOW_MS, WEB_ABSOLUTE_MS, WEB_IDLE_MS } from './session-lifetime.ts';

const clock: Clock & { skew: number } = { skew: 0, now: () => Date.now() + clock.skew };
const DAY = 86_400_000;
const ADMIN_BROWSER = randomUUID();

async function signInAs(url: string, email: string, client: 'web' | 'device', installationId?: string) {
  const device = deviceDescription(`${client}-device`, installationId ? { installationId } : {});
  const reply = await new TestClient(url).post<SignInResponse>('/api/auth/sign-in', {
    email,
    password: PASSWORD,
    device,
    client,
  });
  expect(reply.status).toBe(200);
  return { client: new TestClient(url, reply.body.token), response: reply.body };
}

/** Session lifetimes, re-authentication for sensitive actions and signing out other sessions, with a moved clock. */
describe.each(DIALECTS)('session rules on %s', (dialect) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(dialect, { clock, config: { mediaWorkers: 0 } });
    await createAccount(server.url, 'owner@example.com');
    await signInAs(server.url, 'owner@example.com', 'web', ADMIN_BROWSER);
  });
  afterAll(() => server.close());

  /**
   * The admin signs in afresh: moving the clock ends (for good) the browser sessions of earlier tests. From the
   * same browser, the account's first and trusted device: admin work is refused to a device waiting for approval.
   */
  const admin = async () => (await signInAs(server.url, 'owner@example.com', 'web', ADMIN_BROWSER)).client;

  const sessionRow = (id: string) =>
    server.database.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();

  it('ends a browser session after 30 days however much it is used, and after 7 idle days', async () => {
    await createAccount(server.url, 'web@example.com', await admin());
    const daily = await signInAs(server.url, 'web@example.com', 'web');
    expect(daily.response.session.client).toBe('web');
    try {
      for (let day = 6; day < 30; day += 6) {
        clock.skew = day * DAY;
        expect((await daily.client.get('/api/me')).status, `day ${day}`).toBe(200);
      }
      clock.skew = WEB_ABSOLUTE_MS + 1000;
      const expired = expectProblem(await daily.client.get('/api/me'), 401, 'session_expired');
      expect(expired.type).toBe('https://shoebox.dev/problems/session-expired');

      clock.skew = 0;
      const idle = await signInAs(server.url, 'web@example.com', 'web');
      clock.skew = WEB_IDLE_MS - 60_000;
      expect((await idle.client.get('/api/me')).status).toBe(200);
      // Used a minute before the idle limit: another 7 days from then, not from sign-in.
      clock.skew += WEB_IDLE_MS - 60_000;
      expect((await idle.client.get('/api/me')).status).toBe(200);
      clock.skew += WEB_IDLE_MS + 1000;
      expectProblem(await idle.client.get('/api/me'), 401, 'session_expired');
    } finally {
      clock.skew = 0;
    }
  });

  it('keeps a trusted device’s session while it is used, and not a pending one’s', async () => {
    await createAccount(server.url, 'cli@example.com', await admin());
    const agent = await signInAs(server.url, 'cli@example.com', 'device');
    const pending = await signInAs(server.url, 'cli@example.com', 'device');
    expect(pending.response.device.status).toBe('pending');
    try {
      for (const day of [60, 120, 180, 240]) {
        clock.skew = day * DAY;
        expect((await agent.client.get('/api/me')).status, `day ${day}`).toBe(200);
        if (day === 60) expect((await pending.client.get('/api/auth/enrolment')).status).toBe(200);
      }
      // The device that never got in keeps the expiry of its sign-in (its request ended after 10 minutes).
      const signedInAt = Date.parse(pending.response.session.createdAt);
      expect((await sessionRow(pending.response.session.id))?.expires_at).toBe(signedInAt + DEVICE_IDLE_MS);
      expect((await sessionRow(agent.response.session.id))?.expires_at).toBeGreaterThan(
        clock.now() + 89 * DAY,
      );
      clock.skew += 91 * DAY;
      expectProblem(await agent.client.get('/api/me'), 401, 'session_expired');
    } finally {
      clock.skew = 0;
    }
  });

  it('housekeeping ends expired sessions (closing their sockets) and later deletes them', async () => {
    await createAccount(server.url, 'old@example.com', await admin());
    const first = await signInAs(server.url, 'old@example.com', 'web');
    const browser = await approvedDeviceAs(first.client, 'old@example.com');
    const live = await connectLive(server.url, browser.token);
    try {
      clock.skew = WEB_IDLE_MS + 1000;
      const started = Date.now();
      expect(await server.app.services.sessionExpiry.markExpired()).toBeGreaterThanOrEqual(2);
      expect((await live.closed) - started).toBeLessThan(1000);
      expect(live.messages.at(-1)).toMatchObject({ type: 'signed-out', reason: 'session-expired' });
      expect((await sessionRow(browser.sessionId))?.revoke_reason).toBe('expired');
      expectProblem(await new TestClient(server.url, browser.token).get('/api/me'), 401, 'session_expired');

      // Eleven sign-ins: after the grace period all but the latest ten (kept for risk signals) are deleted.
      const ids = [first.response.session.id, browser.sessionId];
      for (let i = 0; i < 9; i++)
        ids.push((await signInAs(server.url, 'old@example.com', 'web')).response.session.id);
      clock.skew += EXPIRED_KEPT_MS + 2 * WEB_IDLE_MS;
      await server.app.services.sessionExpiry.markExpired();
      expect(await server.app.services.sessionExpiry.deleteExpired()).toBeGreaterThanOrEqual(1);
      expect(await sessionRow(first.response.session.id)).toBeUndefined();
      for (const id of ids.slice(1)) expect(await sessionRow(id), id).toBeDefined();
    } finally {
      clock.skew = 0;
      live.socket.close();
    }
  });

  it('the running server’s housekeeping ends expired sessions on its own (every 15 s)', async () => {
    await createAccount(server.url, 'idle@example.com', await admin());
    const idle = await signInAs(server.url, 'idle@example.com', 'web');
    try {
      clock.skew = WEB_IDLE_MS + 1000;
      const row = await eventually(
        async () => {
          const r = await sessionRow(idle.response.session.id);
          return r?.revoke_reason === 'expired' ? r : undefined;
        },
        20_000,
        'the periodic housekeeping',
      );
      expect(row.revoked_at).toBe(row.expires_at);
    } finally {
      clock.skew = 0;
    }
  });

  /** A second device of the account, let in with the trusted device's code. */
  async function approvedDeviceAs(trusted: TestClient, email: string) {
    const device = await signInAs(server.url, email, 'web');
    const requests = await trusted.get<{ items: { id: string; device: { id: string } }[] }>(
      '/api/enrolments',
    );
    const request = requests.body.items.find((r) => r.device.id === device.response.device.id);
    const allowed = await trusted.post<{ code: string }>(`/api/enrolments/${request?.id ?? ''}/allow`);
    const done = await device.client.post('/api/auth/enrolment/complete', { code: allowed.body.code });
    expect(done.status).toBe(200);
    return { token: device.client.token ?? '', sessionId: device.response.session.id };
  }

  it('asks for the password, or a re-authentication, 15 minutes after sign-in', async () => {
    await createAccount(server.url, 'careful@example.com', await admin());
    const me = await signInAs(server.url, 'careful@example.com', 'web');
    try {
      // Fresh from sign-in: no password needed.
      const setup = await me.client.post<TotpSetup>('/api/account/totp', {});
      expect(setup.status).toBe(200);
      const key = base32Decode(setup.body.secret);
      const confirmed = await me.client.post<TotpConfirmed>('/api/account/totp/confirm', {
        code: totp(key, clock.now()),
      });
      expect(confirmed.status).toBe(200);

      clock.skew = REAUTH_WINDOW_MS + 1000;
      const refused = expectProblem(
        await me.client.post('/api/account/recovery-codes', {}),
        403,
        'reauth_required',
      );
      expect(refused.type).toBe('https://shoebox.dev/problems/reauth-required');
      expectProblem(await me.client.post('/api/account/totp/remove', {}), 403, 'reauth_required');
      expectProblem(
        await me.client.post('/api/account/password', { newPassword: 'another-quiet-harbour-77' }),
        403,
        'reauth_required',
      );
      // The password in the request is proof enough; a wrong one is refused as such.
      const withPassword = await me.client.post<RecoveryCodes>('/api/account/recovery-codes', {
        password: PASSWORD,
      });
      expect(withPassword.status).toBe(200);
      expectProblem(
        await me.client.post('/api/account/recovery-codes', { password: 'wrong' }),
        401,
        'invalid_credentials',
      );

      // Re-authenticating with the authenticator app opens another 15 minutes.
      expectProblem(
        await me.client.post('/api/session/reauth', { code: '000000' }),
        401,
        'invalid_credentials',
      );
      const reauth = await me.client.post<{ freshUntil: string }>('/api/session/reauth', {
        code: totp(key, clock.now() + 30_000),
      });
      expect(reauth.status).toBe(200);
      expect(Date.parse(reauth.body.freshUntil)).toBeGreaterThan(clock.now() + REAUTH_WINDOW_MS - 5000);
      expect((await me.client.post('/api/account/recovery-codes', {})).status).toBe(200);
      const who = await me.client.get<WhoAmI>('/api/me');
      expect(Date.parse(who.body.session.authenticatedAt)).toBeGreaterThan(clock.now() - 5000);

      clock.skew += REAUTH_WINDOW_MS + 1000;
      expectProblem(await me.client.post('/api/account/totp/remove', {}), 403, 'reauth_required');
      expect((await me.client.post('/api/session/reauth', { password: PASSWORD })).status).toBe(200);
      expect((await me.client.post('/api/account/totp/remove', {})).status).toBe(204);
      expectProblem(await me.client.post('/api/session/reauth', {}), 400);
    } finally {
      clock.skew = 0;
    }
  });

  it('signs out every other session when a factor changes, unless asked not to', async () => {
    await createAccount(server.url, 'shared@example.com', await admin());
    const me = await signInAs(server.url, 'shared@example.com', 'web');
    const other = await approvedDeviceAs(me.client, 'shared@example.com');
    const live = await connectLive(server.url, other.token);
    const otherClient = new TestClient(server.url, other.token);

    const kept = await me.client.post<RecoveryCodes>('/api/account/recovery-codes', {
      signOutOtherSessions: false,
    });
    expect(kept.body.endedSessions).toBe(0);
    expect((await otherClient.get('/api/me')).status).toBe(200);

    const started = Date.now();
    const ended = await me.client.post<RecoveryCodes>('/api/account/recovery-codes', {});
    expect(ended.body.endedSessions).toBe(1);
    expect((await live.closed) - started).toBeLessThan(1000);
    expectProblem(await otherClient.get('/api/me'), 401, 'unauthenticated');
    expect((await me.client.get('/api/me')).status).toBe(200);

    // The password change keeps its own flag (on by default) with the same effect.
    const third = await approvedDeviceAs(me.client, 'shared@example.com');
    const changed = await me.client.post<{ endedSessions: number }>('/api/account/password', {
      newPassword: 'another-quiet-harbour-77',
    });
    expect(changed.body.endedSessions).toBe(1);
    expectProblem(await new TestClient(server.url, third.token).get('/api/me'), 401, 'unauthenticated');
  });
});
